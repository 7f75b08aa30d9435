"""Fake Tencent Cloud and Alibaba Cloud SMS APIs on 127.0.0.1: they check what the SDKs send.

Each fake recomputes the request signature from the secret with the provider's documented
algorithm (written here from the documentation, not taken from the SDKs), answers a bad one as
the provider does, and otherwise gives the answer the test chose: a success, a documented error
code, an HTTP error status, or silence past the client's timeout.
"""

import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit


@dataclass
class Received:
    """One request as it arrived: what the tests assert."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    body: bytes
    signature_ok: bool = False
    signature_problem: str = ""

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str
    delay_seconds: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


class FakeApi:
    """A loopback HTTP server that records each request, verifies it, and answers."""

    def __init__(self, *, verify: Callable[[Received], str], answer_bad_signature: Callable[[str], Answer]):
        self.received: list[Received] = []
        self._verify = verify
        self._answer_bad_signature = answer_bad_signature
        self._answer: Answer | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                fake._handle(self)

            do_GET = do_POST

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.host = f"127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def answer(self, answer: Answer) -> None:
        self._answer = answer

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def last(self) -> Received:
        assert self.received, "the SDK sent nothing to the fake"
        return self.received[-1]

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        split = urlsplit(handler.path)
        received = Received(
            method=handler.command,
            path=split.path,
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in handler.headers.items()},
            body=body,
        )
        received.signature_problem = self._verify(received)
        received.signature_ok = not received.signature_problem
        self.received.append(received)
        answer = (
            self._answer if received.signature_ok else self._answer_bad_signature(received.signature_problem)
        )
        assert answer is not None, "the test did not say how the fake answers"
        if answer.delay_seconds:
            time.sleep(answer.delay_seconds)
        try:
            handler.send_response(answer.status)
            handler.send_header("Content-Type", answer.content_type)
            handler.send_header("Content-Length", str(len(answer.body)))
            for name, value in answer.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting: the timeout tests
            pass


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac_sha256(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def _fresh(timestamp: float, *, now: float | None = None) -> bool:
    """Both providers refuse a request signed more than five (Tencent) or fifteen minutes away."""
    return abs((now or time.time()) - timestamp) <= 300


# ---------------------------------------------------------------------------- Tencent Cloud

TENCENT_VERSION = "2021-01-11"


def tc3_signature(*, secret_key: str, service: str, timestamp: int, canonical_request: str) -> str:
    """TC3-HMAC-SHA256, as Tencent Cloud API 3.0 documents it ("签名方法 v3")."""
    date = datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d")
    string_to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            str(timestamp),
            f"{date}/{service}/tc3_request",
            _sha256_hex(canonical_request.encode("utf-8")),
        ]
    )
    secret_date = _hmac_sha256(("TC3" + secret_key).encode("utf-8"), date)
    secret_service = _hmac_sha256(secret_date, service)
    secret_signing = _hmac_sha256(secret_service, "tc3_request")
    return hmac.new(secret_signing, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def _parse_authorization(value: str, algorithm: str) -> dict[str, str]:
    assert value.startswith(algorithm + " "), value
    parts = [part.strip() for part in value.removeprefix(algorithm + " ").split(",")]
    return dict(part.split("=", 1) for part in parts)


def tencent_verifier(*, secret_id: str, secret_key: str, service: str = "sms") -> Callable[[Received], str]:
    """Check a request as sms.tencentcloudapi.com does; return what is wrong, or ""."""

    def verify(request: Received) -> str:
        try:
            fields = _parse_authorization(request.headers.get("authorization", ""), "TC3-HMAC-SHA256")
            timestamp = int(request.headers["x-tc-timestamp"])
        except (AssertionError, KeyError, ValueError) as error:
            return f"AuthFailure.InvalidAuthorization: {error}"
        credential_id, date, credential_service, terminator = fields["Credential"].split("/")
        if credential_id != secret_id:
            return "AuthFailure.SecretIdNotFound"
        if (
            date != datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d")
            or credential_service != service
            or terminator != "tc3_request"
        ):
            return "AuthFailure.InvalidAuthorization: credential scope"
        if not _fresh(timestamp):
            return "AuthFailure.SignatureExpire"
        signed_headers = fields["SignedHeaders"].split(";")
        if not {"content-type", "host"} <= set(signed_headers):
            return "AuthFailure.InvalidAuthorization: content-type and host must be signed"
        canonical_headers = "".join(
            f"{name}:{request.headers.get(name, '').strip().lower()}\n" for name in signed_headers
        )
        canonical_query = "&".join(f"{key}={value}" for key, value in sorted(request.query.items()))
        canonical_request = "\n".join(
            [
                request.method,
                request.path,
                canonical_query,
                canonical_headers,
                fields["SignedHeaders"],
                _sha256_hex(request.body),
            ]
        )
        expected = tc3_signature(
            secret_key=secret_key,
            service=service,
            timestamp=timestamp,
            canonical_request=canonical_request,
        )
        if not hmac.compare_digest(expected, fields["Signature"]):
            return "AuthFailure.SignatureFailure"
        return ""

    return verify


def tencent_json(response: dict, *, status: int = 200) -> Answer:
    """Tencent's answer shape: everything under "Response", with a RequestId."""
    payload = {"Response": {**response, "RequestId": str(uuid.uuid4())}}
    return Answer(status=status, body=json.dumps(payload).encode(), content_type="application/json")


def tencent_sent(
    *, phone: str = "+8613800138000", serial_no: str = "2645:102426483117300513021908040"
) -> Answer:
    return tencent_json(
        {
            "SendStatusSet": [
                {
                    "SerialNo": serial_no,
                    "PhoneNumber": phone,
                    "Fee": 1,
                    "SessionContext": "",
                    "Code": "Ok",
                    "Message": "send success",
                    "IsoCode": "CN",
                }
            ]
        }
    )


def tencent_number_failed(code: str, message: str, *, phone: str = "+8613800138000") -> Answer:
    """The call worked but this number's message was refused: the code sits in SendStatusSet."""
    return tencent_json(
        {
            "SendStatusSet": [
                {
                    "SerialNo": "",
                    "PhoneNumber": phone,
                    "Fee": 0,
                    "SessionContext": "",
                    "Code": code,
                    "Message": message,
                    "IsoCode": "CN",
                }
            ]
        }
    )


def tencent_error(code: str, message: str) -> Answer:
    """The whole call failed: HTTP 200 with Response.Error, as Tencent Cloud API 3.0 answers."""
    return tencent_json({"Error": {"Code": code, "Message": message}})


def fake_tencent(*, secret_id: str, secret_key: str) -> FakeApi:
    return FakeApi(
        verify=tencent_verifier(secret_id=secret_id, secret_key=secret_key),
        answer_bad_signature=lambda problem: tencent_error(
            problem.split(":")[0],
            "The provided credentials could not be validated. Please check your signature is correct.",
        ),
    )


# ---------------------------------------------------------------------------- Alibaba Cloud

ALIBABA_VERSION = "2017-05-25"
ACS3_REQUIRED_HEADERS = {
    "host",
    "x-acs-action",
    "x-acs-version",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
}


def _rfc3986(value: str) -> str:
    return quote(value, safe="~")


def acs3_signature(*, secret: str, canonical_request: str) -> str:
    """ACS3-HMAC-SHA256, Alibaba Cloud's V3 request signature as documented."""
    string_to_sign = "ACS3-HMAC-SHA256\n" + _sha256_hex(canonical_request.encode("utf-8"))
    return hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def alibaba_verifier(*, access_key_id: str, access_key_secret: str) -> Callable[[Received], str]:
    """Check a request as dysmsapi.aliyuncs.com does; return the error code, or ""."""

    def verify(request: Received) -> str:
        try:
            fields = _parse_authorization(request.headers.get("authorization", ""), "ACS3-HMAC-SHA256")
            signed_at = datetime.strptime(request.headers["x-acs-date"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=UTC
            )
        except (AssertionError, KeyError, ValueError):
            return "IncompleteSignature"
        if fields.get("Credential") != access_key_id:
            return "InvalidAccessKeyId.NotFound"
        if not _fresh(signed_at.timestamp()):
            return "SignatureExpired"
        signed_headers = fields["SignedHeaders"].split(";")
        if not set(signed_headers) >= ACS3_REQUIRED_HEADERS or signed_headers != sorted(signed_headers):
            return "IncompleteSignature"
        if request.headers["x-acs-content-sha256"] != _sha256_hex(request.body):
            return "SignatureDoesNotMatch"
        canonical_query = "&".join(
            f"{_rfc3986(key)}={_rfc3986(value)}" for key, value in sorted(request.query.items())
        )
        canonical_headers = "".join(
            f"{name}:{request.headers.get(name, '').strip()}\n" for name in signed_headers
        )
        canonical_request = "\n".join(
            [
                request.method,
                request.path or "/",
                canonical_query,
                canonical_headers,
                fields["SignedHeaders"],
                request.headers["x-acs-content-sha256"],
            ]
        )
        expected = acs3_signature(secret=access_key_secret, canonical_request=canonical_request)
        if not hmac.compare_digest(expected, fields["Signature"]):
            return "SignatureDoesNotMatch"
        return ""

    return verify


def alibaba_json(body: dict, *, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    payload = {**body, "RequestId": str(uuid.uuid4()).upper()}
    return Answer(
        status=status,
        body=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        content_type="application/json;charset=utf-8",
        headers=headers or {},
    )


def alibaba_sent(*, biz_id: str = "900619746936498440^0") -> Answer:
    return alibaba_json({"Code": "OK", "Message": "OK", "BizId": biz_id})


def alibaba_business_error(code: str, message: str) -> Answer:
    """SendSms refused the message: HTTP 200 with a Code other than OK, as Dysmsapi answers."""
    return alibaba_json({"Code": code, "Message": message})


def alibaba_gateway_error(
    status: int, code: str, message: str, *, headers: dict[str, str] | None = None
) -> Answer:
    """The API gateway refused the call (signature, throttling, outage): HTTP 4xx/5xx."""
    return alibaba_json(
        {
            "HostId": "dysmsapi.aliyuncs.com",
            "Code": code,
            "Message": message,
            "Recommend": "https://api.aliyun.com/troubleshoot",
        },
        status=status,
        headers=headers,
    )


def fake_alibaba(*, access_key_id: str, access_key_secret: str) -> FakeApi:
    return FakeApi(
        verify=alibaba_verifier(access_key_id=access_key_id, access_key_secret=access_key_secret),
        answer_bad_signature=lambda problem: alibaba_gateway_error(
            404 if problem.startswith("InvalidAccessKeyId") else 400,
            problem,
            "Specified signature does not match our calculation.",
        ),
    )
