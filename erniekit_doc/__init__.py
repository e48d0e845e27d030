"""erniekit-doc: fine-tune document-AI models (PaddleOCR-VL, ERNIE-Layout) on PaddlePaddle."""

__version__ = "0.1.0"
