"""The screening encoder's compiled passes (docs/screening.md, "The compiled passes";
docs/decisions.md, "Building the optional C extension").

Everything else about the package is in pyproject.toml. The extension is declared here, with
setuptools' stable `ext_modules`, rather than in pyproject.toml's experimental
`[tool.setuptools.ext-modules]` table. `optional=True` makes a failed compile (no compiler,
no Python headers) a warning: the package installs without it and the NumPy paths run.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension(
    "policyhub.screen._accel",
    sources=["src/policyhub/screen/_accel.c"],
    depends=["src/policyhub/screen/_accel.h"],
    extra_compile_args=["-O2"],
    optional=True,
)])
