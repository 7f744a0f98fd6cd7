#!/usr/bin/env python3
"""Unit tests for the replayer: shell parsing, orionCurl emulation, REGEXPECT comparison.

Run: python3 tools/orion-replay/test_replay.py  (stdlib unittest, no server, no Orion mirror).
The canned test case below is written for these tests; it imitates the layout of Orion's files.
"""

import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import orion_harness as replay  # noqa: E402  (the emulated harness)
from orion_accumulator import SEPARATOR, format_record  # noqa: E402
from orion_case import compare_output, line_matches, parse_test_file  # noqa: E402
from orion_shell import expand_word, parse_script  # noqa: E402

CASE = r'''# licence header would be here
--NAME--
Create then get

--SHELL-INIT--
dbInit CB
brokerStart CB 0 IPV4 -multiservice

--SHELL--

#
# 01. create
# 02. get
#

echo "01. create"
echo "=========="
payload='{
  "id": "E1",
  "type": "T",
  "a":   "two  spaces"
}'
orionCurl --url /v2/entities?options=keyValues --payload "$payload" \
  --tenant t1 --servicePath /a
loc=$(echo "$_responseHeaders" | grep Location | awk -F/ '{ print $4 }' | tr -d "\r\n")
echo "id is: $loc"
echo
echo


echo "02. get"
echo "======="
orionCurl --url "/v2/entities/E1" --tenant t1 --servicePath /a
echo
echo


--REGEXPECT--
01. create
==========
HTTP/1.1 201 Created
Date: REGEX(.*)
Fiware-Correlator: REGEX([0-9a-f\-]{36})
Location: /v2/entities/E1?type=T
Content-Length: 0

id is: E1?type=T


02. get
=======
HTTP/1.1 200 OK
Content-Length: 99
Date: REGEX(.*)
Fiware-Correlator: REGEX([0-9a-f\-]{36})
Content-Type: application/json

{
    "a": {
        "metadata": {},
        "type": "Text",
        "value": "two spaces"
    },
    "id": "E1",
    "type": "T"
}


--TEARDOWN--
brokerStop CB
dbDrop CB
'''

CORR = "0d2a54a4-8bd4-11ee-9c4a-0242ac120002"


class CannedClient:
    """Answers from a list of canned responses and records the requests."""

    def __init__(self, responses):
        self.responses = list(responses)
        self.requests = []

    def send(self, method, target, headers, body):
        self.requests.append((method, target, headers, body))
        return self.responses.pop(0)

    def close(self):
        pass


def run_canned(text, responses):
    tc = parse_test_file("x.test", text)
    client = CannedClient(responses)
    interp = replay.Interpreter(client, 1026, dry=False)
    interp.run(parse_script(tc.sections["SHELL"], tc.first_lines["SHELL"]))
    return tc, client, "".join(interp.out)


class ShellTest(unittest.TestCase):
    def test_quotes_and_continuations(self):
        cmds = parse_script("a='x y' b=\"q$a\"\necho  $a \\\n  \"${b}z\" # c\n")
        self.assertEqual(len(cmds), 2)
        env = {"a": "x y", "b": "qx y"}
        words = []
        for w in cmds[1].pipeline[0].words:
            words += expand_word(w, env, lambda b: "")
        self.assertEqual(words, ["echo", "x", "y", "qx yz"])

    def test_control_flow_is_unsupported(self):
        cmds = parse_script("for i in 1 2; do echo $i; done\n")
        self.assertTrue(cmds[0].unsupported)

    def test_redirection(self):
        cmds = parse_script("orionCurl --url /admin/log > /dev/null 2> /dev/null\n")
        self.assertEqual([op for op, _ in cmds[0].pipeline[0].redirs], [">", "2>"])


class ComparisonTest(unittest.TestCase):
    def test_regex_line(self):
        self.assertTrue(line_matches("Date: REGEX(.*)", "Date: Mon, 1 Jan"))
        self.assertTrue(line_matches("Location: /v2/subscriptions/REGEX([0-9a-f]{24})",
                                     "Location: /v2/subscriptions/5f0c3a1b2c3d4e5f6a7b8c9d"))
        self.assertFalse(line_matches("    \"id\": \"E1\"", "    \"id\": \"E2\""))

    def test_headers_unordered_and_ignored_values(self):
        ref = "HTTP/1.1 200 OK\nDate: x\nContent-Length: 5\nContent-Type: application/json\n\nok\n"
        out = "HTTP/1.1 200 OK\ncontent-type: application/json\ncontent-length: 7\n" \
              "Connection: keep-alive\nDate: y\n\nok\n"
        self.assertEqual(compare_output(ref, out), [])

    def test_missing_header_and_steps(self):
        ref = "01. a\nHTTP/1.1 200 OK\nX-A: 1\n\nbody\n\n02. b\nline\n"
        out = "01. a\nHTTP/1.1 200 OK\n\nbody\n\n02. b\nwrong\n"
        diffs = compare_output(ref, out)
        self.assertEqual([d.step for d in diffs], ["01. a", "02. b"])
        self.assertIn("X-A: 1", diffs[0].expected)
        self.assertEqual(diffs[1].actual, "wrong")

    def test_sort_block(self):
        ref = "#SORT_START\na\nREGEX(b.)\n#SORT_END\nc\n"
        self.assertEqual(compare_output(ref, "bx\na\nc\n"), [])


class OrionCurlTest(unittest.TestCase):
    def responses(self, body_json):
        r1 = replay.Response("HTTP/1.1 201 Created",
                             [("Date", "Sun, 26 Nov 2026 10:00:00 GMT"),
                              ("Fiware-Correlator", CORR),
                              ("Location", "/v2/entities/E1?type=T"),
                              ("Content-Length", "0")], b"")
        r2 = replay.Response("HTTP/1.1 200 OK",
                             [("Content-Type", "application/json"),
                              ("Fiware-Correlator", CORR), ("Date", "x"),
                              ("Content-Length", str(len(body_json)))], body_json)
        return [r1, r2]

    def test_canned_case_passes(self):
        body = b'{"id":"E1","type":"T","a":{"type":"Text","value":"two  spaces","metadata":{}}}'
        tc, client, out = run_canned(CASE, self.responses(body))
        self.assertEqual(compare_output(tc.sections["REGEXPECT"], out), [], out)
        method, target, headers, sent = client.requests[0]
        self.assertEqual((method, target), ("POST", "/v2/entities?options=keyValues"))
        # echo $payload > file; curl -d @file: blanks and newlines collapse to one space
        self.assertEqual(sent, b'{ "id": "E1", "type": "T", "a": "two spaces" }')
        names = dict(headers)
        self.assertEqual(names["Fiware-Service"], "t1")
        self.assertEqual(names["Fiware-ServicePath"], "/a")
        self.assertEqual(names["Content-Type"], "application/json")
        self.assertEqual(names["Accept"], "application/json")
        self.assertEqual(names["Content-Length"], str(len(sent)))
        self.assertEqual(client.requests[1][0], "GET")
        self.assertIsNone(client.requests[1][3])

    def test_canned_case_fails_on_wrong_value(self):
        body = b'{"id":"E1","type":"T","a":{"type":"Text","value":"other","metadata":{}}}'
        tc, _, out = run_canned(CASE, self.responses(body))
        diffs = compare_output(tc.sections["REGEXPECT"], out)
        self.assertEqual(len(diffs), 1)
        self.assertEqual(diffs[0].step, "02. get")
        self.assertIn("other", diffs[0].actual)

    def test_invalid_json_response_prints_parse_error(self):
        self.assertEqual(replay._beautify("{\"a\": 1, \"a\": 2}\n"), "duplicate key: 'a'")
        self.assertTrue(replay._beautify("nope\n").startswith("Expecting value"))

    def test_unsupported_urls_skip(self):
        for url in ("/v1/queryContext", "/v2/registrations", "/admin/log"):
            interp = replay.Interpreter(replay.DryClient(), 1026, dry=True)
            with self.assertRaises(replay.Skip):
                interp.run(parse_script("orionCurl --url %s\n" % url))

    def test_subscription_urls_are_replayed(self):
        # Subscriptions exist since issue 4; MQTT and Kafka accumulators are not emulated.
        for url in ("/v2/subscriptions", "/v2/op/notify"):
            interp = replay.Interpreter(replay.DryClient(), 1026, dry=True)
            interp.run(parse_script("orionCurl --url %s\n" % url))
            self.assertEqual(interp.requests, 1)
        interp = replay.Interpreter(replay.DryClient(), 1026, dry=True)
        interp.run(parse_script("accumulatorStart --pretty-print\naccumulatorDump\n"))
        for start in ("accumulatorStart --pretty-print --mqttHost h --mqttPort 1 --mqttTopic t",
                      "accumulatorStart --bootstrapServers k --kafkaTopic t",
                      "accumulatorStart --pretty-print --https --key k --cert c",
                      "accumulatorStart :: 9977"):
            interp = replay.Interpreter(replay.DryClient(), 1026, dry=True)
            with self.assertRaises(replay.Skip):
                interp.run(parse_script(start + "\n"))

    def test_accept_empty_and_header_removal(self):
        client = CannedClient([replay.Response("HTTP/1.1 200 OK", [], b"")])
        interp = replay.Interpreter(client, 1026, dry=False)
        interp.run(parse_script('orionCurl --url /v2/entities --out EMPTY '
                                '--header "Fiware-Correlator: c1"\n'))
        names = [k for k, _ in client.requests[0][2]]
        self.assertNotIn("Accept", names)
        self.assertIn("Fiware-Correlator", names)


class InitTest(unittest.TestCase):
    def test_init(self):
        self.assertEqual(replay.check_init("dbInit CB\nbrokerStart CB 0 IPV4 -multiservice\n"),
                         (None, True))
        reason, _ = replay.check_init("dbInit CB\nbrokerStart CB 0 IPV4 -corsOrigin __ALL\n")
        self.assertIn("-corsOrigin", reason)
        reason, _ = replay.check_init("dbInit CP1\nbrokerStart CP1\n")
        self.assertIn("second broker", reason)


NOTIFICATION_HEADERS = [("Host", "localhost:9997"), ("User-Agent", "renkei/0.1"),
                        ("Content-Type", "application/json; charset=utf-8"),
                        ("Content-Length", "15"), ("Fiware-ServicePath", "/"),
                        ("fiware-correlator", "c1; cbnotif=1"), ("X-My_Header", "1")]


class AccumulatorRecordTest(unittest.TestCase):
    """format_record() against text written by hand from accumulator-server.py's rules."""

    def test_pretty_body_and_header_names_in_the_accumulator_order(self):
        text = format_record("POST", "/notify", NOTIFICATION_HEADERS, b'{"b":1,"a":"\xc3\xa9"}',
                             pretty=True)
        self.assertEqual(text, "POST http://localhost:9997/notify\n"
                               "Fiware-Servicepath: /\n"
                               "Content-Length: 15\n"
                               "User-Agent: renkei/0.1\n"
                               "Host: localhost:9997\n"
                               "Content-Type: application/json; charset=utf-8\n"
                               "Fiware-Correlator: c1; cbnotif=1\n"
                               "X-My-Header: 1\n"
                               "\n"
                               "{\n    \"a\": \"\\u00e9\",\n    \"b\": 1\n}\n" + SEPARATOR)

    def test_raw_body_is_followed_by_the_separator_directly(self):
        text = format_record("PUT", "/notify?a=1&b=x%20y&a=2", [("Host", "h:1")], b"plain",
                             pretty=False)
        self.assertEqual(text, "PUT http://h:1/notify?a=1&b=x y\nHost: h:1\n\nplain" + SEPARATOR)

    def test_no_body_no_blank_line(self):
        self.assertEqual(format_record("GET", "/v2/entities?id=E1", [("Host", "h:1")], b"", True),
                         "GET http://h:1/v2/entities?id=E1\nHost: h:1\n" + SEPARATOR)

    def test_form_body_is_not_shown_and_bad_json_prints_the_error(self):
        form = [("Host", "h:1"), ("Content-Type", "application/x-www-form-urlencoded")]
        self.assertNotIn("a=1", format_record("POST", "/notify", form, b"a=1", False))
        text = format_record("POST", "/notify", [("Host", "h:1")], b'{"a":1,"a":2}', True)
        self.assertIn("\n\nduplicate key: ('a',)" + SEPARATOR, text)


class FakeAccumulator:
    taken = {9997, 9977, 9762, 9763}  # nominal ports in use: the replay picks another

    def __init__(self, url, pretty, port):
        if port in FakeAccumulator.taken:
            raise OSError("address in use")
        self.url, self.pretty = url, pretty
        self.port = port or 41234
        self.records, self.stopped, self.waits = [], False, 0

    def wait_quiet(self, quiet):
        self.waits += 1

    def dump(self):
        return "".join(self.records)

    def number(self):
        return "%d\n" % len(self.records)

    def reset(self):
        self.records.clear()

    def stop(self):
        self.stopped = True


class AccumulatorCommandsTest(unittest.TestCase):
    def interpreter(self, client):
        made = []

        def factory(url, pretty, port):
            made.append(FakeAccumulator(url, pretty, port))
            return made[-1]

        interp = replay.Interpreter(client, 1026, dry=False, accumulator_factory=factory)
        return interp, made

    def test_ports_translated_both_ways(self):
        body = b'{"notification":{"http":{"url":"http://localhost:41234/notify"}}}'
        client = CannedClient([replay.Response("HTTP/1.1 201 Created", [], b""),
                               replay.Response("HTTP/1.1 200 OK", [], body)])
        interp, made = self.interpreter(client)
        interp.run_init("dbInit CB\nbrokerStart CB\naccumulatorStart --pretty-print\n")
        self.assertEqual(interp.out, [])  # SHELL-INIT prints nothing into the compared output
        self.assertTrue(made[0].pretty)
        interp.run(parse_script(
            "payload='{\"url\": \"http://localhost:'$LISTENER_PORT'/notify\"}'\n"
            "orionCurl --url /v2/subscriptions --payload \"$payload\"\n"
            "orionCurl --url /v2/subscriptions\n"))
        self.assertIn(b"localhost:41234/notify", client.requests[0][3])
        self.assertIn('"url": "http://localhost:9997/notify"', interp.out[1])

    def test_first_start_listens_on_the_nominal_port_when_free(self):
        # A case that subscribes before it starts its accumulator (3541 *_recovers_*).
        client = CannedClient([])
        interp, made = self.interpreter(client)
        FakeAccumulator.taken = set()
        try:
            interp.run(parse_script("accumulatorStart\n"))
        finally:
            FakeAccumulator.taken = {9997, 9977, 9762, 9763}
        self.assertEqual(made[0].port, 9997)

    def test_dump_count_reset_and_restart_on_the_same_port(self):
        interp, made = self.interpreter(CannedClient([]))
        interp.run(parse_script("accumulatorStart localhost $LISTENER2_PORT\n"))
        self.assertTrue(interp.out[0].startswith("accumulator running as PID "))
        made[0].records.append("POST http://127.0.0.1:41234/notify\n" + SEPARATOR)
        interp.out.clear()
        interp.run(parse_script("accumulator2Count\naccumulator2Dump\naccumulator2Reset\n"
                                "accumulator2Count\naccumulatorDump\n"))
        self.assertEqual(interp.out, ["1\n", "POST http://127.0.0.1:9977/notify\n" + SEPARATOR,
                                      "0\n"])
        self.assertEqual(made[0].waits, 4)
        interp.run(parse_script("accumulatorStop $LISTENER2_PORT\n"
                                "accumulatorStart localhost $LISTENER2_PORT\n"))
        self.assertTrue(made[0].stopped)
        self.assertEqual(made[1].port, 41234)  # subscriptions made before still reach it
        interp.close()
        self.assertTrue(made[1].stopped)


class DumpComparisonTest(unittest.TestCase):
    EXPECTED = ("01. dump\n"
                "POST http://localhost:REGEX(\\d+)/notify\n"
                "Fiware-Servicepath: /\n"
                "Content-Length: 12\n"
                "Host: localhost:REGEX(\\d+)\n"
                "\n"
                "{\n    \"a\": 1\n}\n"
                "=======================================\n"
                "GET http://localhost:9997/v2/entities\n"
                "Host: localhost:9997\n"
                "=======================================\n")

    def test_header_order_aside(self):
        out = self.EXPECTED.replace("Fiware-Servicepath: /\nContent-Length: 12\n",
                                    "Content-Length: 99\nFiware-Servicepath: /\n")
        out = out.replace("REGEX(\\d+)", "9997")
        self.assertEqual(compare_output(self.EXPECTED, out), [])

    def test_sorted_dumps_compare_user_agent_by_name(self):
        ref = ("#SORT_START\nPOST http://h/notify\nUser-Agent: orion/REGEX(\\d.*)\n"
               "Content-Length: 12\n#SORT_END\n")
        self.assertEqual(compare_output(ref, "POST http://h/notify\nContent-Length: 9\n"
                                             "User-Agent: renkei/0.1.0\n"), [])
        self.assertNotEqual(compare_output(ref, "POST http://h/other\nContent-Length: 9\n"
                                                "User-Agent: renkei/0.1.0\n"), [])

    def test_sort_block_opened_before_a_step_title(self):
        ref = "#SORT_START\n05. dump\nb\na\n#SORT_END\n"
        self.assertEqual(compare_output(ref, "05. dump\na\nb\n"), [])
        self.assertNotEqual(compare_output(ref, "05. dump\na\nc\n"), [])

    def test_sort_block_at_the_end_counts_the_closing_blank_lines(self):
        ref = "#SORT_START\n05. dump\nb\n\n\na\n#SORT_END\n"
        self.assertEqual(compare_output(ref, "05. dump\na\nb\n\n\n"), [])
        self.assertNotEqual(compare_output(ref + "\n\nx\n", "05. dump\na\nb\n\n\nx\n"), [])

    def test_body_and_missing_headers_differ(self):
        out = self.EXPECTED.replace("REGEX(\\d+)", "9997")
        diffs = compare_output(self.EXPECTED, out.replace('"a": 1', '"a": 2'))
        self.assertEqual(diffs[0].actual, '    "a": 2')
        diffs = compare_output(self.EXPECTED, out.replace("Fiware-Servicepath: /\n", ""))
        self.assertEqual(diffs[0].expected, "Fiware-Servicepath: /")


if __name__ == "__main__":
    unittest.main()
