"""pytest plugin: load NDI-python's cloud layer without importing the whole NDI stack.

`import ndi` runs src/ndi/__init__.py, which pulls in packages that install only from git.
Registering an empty `ndi` package whose __path__ points at the checkout lets `ndi.cloud.*`
and `ndi.util.*` import unmodified. Load with `pytest -p ndi_cloud_only`.
"""
import os
import sys
import types

_checkout = os.environ["NDI_PYTHON_DIR"]
_package = types.ModuleType("ndi")
_package.__path__ = [os.path.join(_checkout, "src", "ndi")]
sys.modules.setdefault("ndi", _package)
