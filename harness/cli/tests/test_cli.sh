#!/bin/sh
# The ipoc command line: exit codes (0 ok, 2 usage, 3 engine), one-line
# errors naming the engine, the reference engine's report in both formats.
#   $1 the ipoc executable, $2 the reference engine, $3 a fixture folder
set -u
ipoc=$1 ref=$2 fixtures=$3
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect CODE PATTERN -- ARGS...: exit code CODE and PATTERN in stdout+stderr
expect() {
	code=$1 pat=$2
	shift 3
	out=$("$ipoc" "$@" 2>&1)
	rc=$?
	[ "$rc" -eq "$code" ] && ok || bad "ipoc $* exited $rc, want $code"
	printf '%s\n' "$out" | grep -q -- "$pat" && ok || bad "ipoc $*: no '$pat' in: $out"
}

expect 0 'ipoc 0\.' -- --version
expect 0 'engine ABI 1\.0' -- version
expect 0 'subcommands:' -- help
expect 0 'usage: ipoc info' -- help info
expect 2 "no subcommand 'frobnicate'" -- frobnicate
expect 2 'usage: ipoc' --
expect 2 'usage: ipoc info' -- info --no-such-option
expect 2 "unexpected argument 'extra'" -- info extra
expect 3 'no such file' -- info --engine "$fixtures/none.so"
expect 3 'mandatory member send_net_buffer_lists is NULL' -- info --engine "$fixtures/libfixture_null_send.so"
expect 3 'open failed with NDIS_STATUS_NOT_SUPPORTED' -- info --engine "$fixtures/libfixture_good.so"
expect 0 'SaOffloadCapacity             1024' -- info --engine "$ref"
expect 0 'AES_GCM_128 AES_GCM_192 AES_GCM_256 AES_CBC_128' -- info --engine "$ref"

# The JSON form parses and says what the table says.
json=$("$ipoc" info --json --engine "$ref")
if printf '%s' "$json" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
v2 = d["current_config"]["IPsecV2"]
assert d["engine"]["name"] == "ipoc-ref", d["engine"]
assert v2["SaOffloadCapacity"] == 1024
assert len(v2["EncryptionAlgorithms"]) == 9 and len(v2["AuthenticationAlgorithms"]) == 6
assert len(v2["UdpEsp"]) == 4 and v2["ExtendedSequenceNumbers"] is True
'; then ok; else bad "ipoc info --json: $json"; fi

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
