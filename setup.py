"""erniekit-doc: a PaddlePaddle-native training suite for document-AI models."""

import os
import re

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "erniekit_doc", "__init__.py"), encoding="utf-8") as f:
    VERSION = re.search(r'__version__ = "([^"]+)"', f.read()).group(1)

# Inside the official Paddle CUDA image paddlepaddle-gpu is already installed and satisfies
# the import; set ERNIEKIT_DOC_PADDLE=paddlepaddle-gpu to require the GPU wheel explicitly.
PADDLE = os.environ.get("ERNIEKIT_DOC_PADDLE", "paddlepaddle") + ">=3.1,<4"

setup(
    name="erniekit-doc",
    version=VERSION,
    description="Fine-tune PaddleOCR-VL and ERNIE-Layout document models on PaddlePaddle",
    long_description=open(os.path.join(HERE, "README.md"), encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.9",
    packages=find_packages(include=["erniekit_doc", "erniekit_doc.*"]),
    include_package_data=True,
    install_requires=[
        PADDLE,
        "paddleocr[doc-parser]>=3.3,<4",
        "numpy>=1.24,<3",
        "pyyaml>=6,<7",
        "opencv-python-headless>=4.8",
        "pillow>=10",
        "safetensors>=0.4",
        "sentencepiece>=0.2,<0.3",
        "visualdl>=2.5,<3",
        "tqdm>=4.60",
        "matplotlib>=3.7",
    ],
    extras_require={"test": ["pytest>=7"]},
    entry_points={"console_scripts": ["erniekit-doc = erniekit_doc.cli:main"]},
    classifiers=["Programming Language :: Python :: 3", "License :: OSI Approved :: Apache Software License"],
)
