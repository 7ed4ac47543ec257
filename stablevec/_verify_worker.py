"""One verify run: ``python -m stablevec._verify_worker JOB``, started in a fresh interpreter.

JOB is a JSON object with the model name, the library and the training settings.
The worker prints one JSON line, ``{"stages": {stage: fingerprint}}``, on stdout.
"""

from __future__ import annotations

import json
import sys

from stablevec._verify_models import MODELS_BY_NAME, fingerprint_stages


def main(argv: list[str]) -> int:
    """Run the job in ``argv[1]`` and print its fingerprints."""
    job = json.loads(argv[1])
    stages = fingerprint_stages(MODELS_BY_NAME[job["model"]], job["library"], job)
    print(json.dumps({"stages": stages}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
