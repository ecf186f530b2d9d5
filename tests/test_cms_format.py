"""The web editor's "pelican" format (cms/pelican-format.js): its Node tests, run from pytest.

They round-trip every Markdown source of content/ and tests/fixtures/ byte for
byte, and check that an edit changes only its line (cms/pelican-format.test.js).
"""

import shutil
import subprocess

from .conftest import ROOT


def test_node_format_tests_pass():
    node = shutil.which("node")
    assert node, "the web editor's tests need Node.js (apt-get install nodejs npm)"
    done = subprocess.run([node, "--test", "cms/"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout
