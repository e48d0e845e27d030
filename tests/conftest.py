import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)  # bad_cases.py and other test helpers
SHARED_REFERENCE = os.path.join(os.path.dirname(REPO), "shared", "reference")
