"""Sizes that input controls (issue 11, items 1 and 2): too large is an OutOfMemoryError (a
MemoryError) or a DataError naming what needed it, never an abort; only regular files are read.

The memory cases run in a child process under an address-space limit, so that a regression
aborts the child and not the test run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from alpenglow.errors import DataError, OutOfMemoryError
from alpenglow.experiments import PopularityExperiment, TransitionProbabilityExperiment

CHILD = r"""
import resource
resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
import numpy as np, pandas as pd
import alpenglow.experiments as ex
from alpenglow.errors import AlpenglowError
try:
{body}
    print("CLEAN: ran")
except (AlpenglowError, MemoryError) as e:
    print("CLEAN:", type(e).__name__, e)
"""


def run_child(body: str) -> subprocess.CompletedProcess:
    code = CHILD.format(body=textwrap.indent(textwrap.dedent(body).strip(), "    "))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "RUST_BACKTRACE": "0"})


def test_out_of_memory_error_is_a_memory_error():
    assert issubclass(OutOfMemoryError, MemoryError)


def test_huge_factor_dimension_is_a_memory_error_naming_the_model():
    # Was SIGABRT: "memory allocation of 8000000 bytes failed" (FactorExperiment(dimension=1_000_000)).
    proc = run_child("""
        n = 2000
        df = pd.DataFrame({"time": np.arange(n), "user": np.arange(n) % 500, "item": np.arange(n) % 700})
        ex.FactorExperiment(dimension=1_000_000, top_k=5).run(df, verbose=False)
    """)
    assert proc.returncode == 0, proc.stderr[-800:]
    assert "CLEAN: OutOfMemoryError FactorModel: 1200 factor vectors of dimension 1000000" in proc.stdout, proc.stdout


def test_huge_fm_attribute_index_is_a_memory_error(tmp_path):
    # Was SIGABRT: attribute index 16,777,215 with dimension 200 (26 GB of factors).
    attributes = tmp_path / "attrs.txt"
    attributes.write_text("16777215:1\n0:1\n")
    proc = run_child(f"""
        df = pd.DataFrame({{"time": [0, 1, 2], "user": [0, 1, 0], "item": [0, 1, 1]}})
        ex.FmExperiment(dimension=200, top_k=5, user_attributes={str(attributes)!r}).run(df, verbose=False)
    """)
    assert proc.returncode == 0, proc.stderr[-800:]
    assert "CLEAN: OutOfMemoryError FmModel: 16777216 factor vectors of dimension 200" in proc.stdout, proc.stdout


def test_huge_label_id_is_a_data_error_naming_file_and_line(tmp_path):
    # Was a 32 GiB allocation (entity id 4294967295 indexed a dense array).
    labels = tmp_path / "labels.txt"
    labels.write_text("0 1\n4294967295 2\n")
    df = pd.DataFrame({"time": [0, 1], "user": [0, 0], "item": [0, 1]})
    experiment = TransitionProbabilityExperiment(label_transition_mode=True, label_file_name=str(labels))
    with pytest.raises(DataError, match=rf"{labels}, line 2: entity id 4294967295 is too large; ids must be integers in 0..=16777215"):
        experiment.run(df, verbose=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_blocking(tmp_path):
    # Was a hang that ignored Ctrl-C.
    fifo = tmp_path / "stream"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match=rf"{fifo}: not a regular file \(a FIFO\); give the path of a file"):
        PopularityExperiment().run(str(fifo), experimentType="online", verbose=False)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_device_is_refused_without_reading():
    # Was a read growing to 4 GiB.
    with pytest.raises(OSError, match=r"/dev/zero: not a regular file \(a character device\)"):
        PopularityExperiment().run("/dev/zero", experimentType="online", verbose=False)


def test_model_file_must_be_regular(tmp_path):
    import alpenglow.cpp as cpp

    with pytest.raises(OSError, match="not a regular file"):
        cpp.FactorModel().read(str(tmp_path))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_output_to_a_fifo_is_refused_without_blocking(tmp_path):
    import alpenglow.cpp as cpp

    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    df = pd.DataFrame({"time": [0, 1], "user": [0, 1], "item": [0, 1]})
    with pytest.raises(OSError, match=rf"{fifo}: not a regular file \(a FIFO\)"):
        PopularityExperiment().run(df, verbose=False, out_file=str(fifo))
    with pytest.raises(OSError, match=rf"{fifo}: not a regular file \(a FIFO\)"):
        cpp.PopularityModel().write(str(fifo))
