#!/usr/bin/env bash
# Runs NDI-python's live cloud suite (tests/test_cloud_live.py) against a running `npm start`.
# Usage: NDI_PYTHON_DIR=/path/to/NDI-python scripts/python-client/run-live-tests.sh [pytest args]
# Needs python3 with requests, pydantic>=2, numpy and pytest. The NDI-python checkout is read,
# never copied into this repository.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${NDI_PYTHON_DIR:?set NDI_PYTHON_DIR to an NDI-python checkout}"
export NDI_PYTHON_DIR
gateway_url=$(node -e 'const s=require(process.argv[1]); console.log(s.gatewayUrl)' "${NDI_DATA_DIR:-$here/../../.data}/stack.json")

# A verified platform admin who belongs to an organization, as the suite requires.
email=${NDI_CLOUD_USERNAME:-live-tests@ndi-cloud.local}
password=${NDI_CLOUD_PASSWORD:-live-tests-password-1}
(cd "$here/../.." && npm run --silent admin -- create-user --email "$email" --password "$password" --admin >/dev/null 2>&1 || true)
(cd "$here/../.." && npm run --silent admin -- create-org --name "Live tests lab" --owner "$email" --if-absent >/dev/null)

cd "$NDI_PYTHON_DIR"
env -u NDI_CLOUD_TOKEN -u CLOUD_API_ENVIRONMENT \
  NDI_CLOUD_URL="$gateway_url" NDI_CLOUD_USERNAME="$email" NDI_CLOUD_PASSWORD="$password" \
  NO_PROXY=127.0.0.1,localhost PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" \
  python3 -m pytest -p ndi_cloud_only tests/test_cloud_live.py \
    --deselect tests/test_cloud_live.py::TestCloudConfig::test_config_api_url_is_valid \
    --deselect tests/test_cloud_live.py::TestErrorHandling::test_bad_auth_raises \
    --deselect tests/test_cloud_live.py::TestReadOnlyPublicDatasets \
    --deselect tests/test_cloud_live.py::TestNDIQuery::test_ndiqueryAll_paginates \
    --deselect tests/test_cloud_live.py::TestPublishWorkflow::test_published_datasets_list \
    -rs "$@"
