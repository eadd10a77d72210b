"""A tiny OpenID Connect provider for tests, on 127.0.0.1 in a background thread.

It signs ID tokens with a fresh RSA key (RS256) and approves every authorization request at once
for the identity in `provider.email`, as a company's identity provider would after its own login
screen. Enough for Streamlit's st.login (Authlib): discovery, authorize, token, JWKS, logout.
Modelled on Streamlit's own e2e mock (e2e_playwright/shared/oidc_mock_server.py).
"""

import base64
import json
import threading
import time
import uuid
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

CLIENT_ID = "second-look-test"
CLIENT_SECRET = "test-client-secret"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int(value: int) -> str:
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # keep the test output clean
        pass


class OIDCProvider:
    """Start with `with OIDCProvider() as p:`; set `p.email` to choose who signs in next."""

    def __init__(self, email: str = "someone@example.com", name: str = "Someone",
                 email_verified: bool = True):
        self.email, self.name, self.email_verified = email, name, email_verified
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._codes: dict[str, dict] = {}
        self._server: WSGIServer = make_server("127.0.0.1", 0, self._app,
                                               handler_class=_Quiet)
        self.base = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def metadata_url(self) -> str:
        return f"{self.base}/.well-known/openid-configuration"

    def __enter__(self) -> "OIDCProvider":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _token(self, claims: dict) -> str:
        header = _b64(json.dumps({"typ": "JWT", "alg": "RS256", "kid": "1"}).encode())
        body = _b64(json.dumps(claims).encode())
        signature = self._key.sign(f"{header}.{body}".encode(), padding.PKCS1v15(),
                                   hashes.SHA256())
        return f"{header}.{body}.{_b64(signature)}"

    def _app(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = parse_qs(environ.get("QUERY_STRING", ""))

        def reply(body: dict | str, status: str = "200 OK", headers=()) -> list[bytes]:
            is_json = isinstance(body, dict)
            start_response(status, [("Content-Type", "application/json" if is_json
                                     else "text/plain"), *headers])
            return [(json.dumps(body) if is_json else body).encode()]

        if path == "/.well-known/openid-configuration":
            return reply({"issuer": self.base,
                          "authorization_endpoint": f"{self.base}/authorize",
                          "token_endpoint": f"{self.base}/token",
                          "jwks_uri": f"{self.base}/jwks",
                          "end_session_endpoint": f"{self.base}/logout",
                          "response_types_supported": ["code"],
                          "subject_types_supported": ["public"],
                          "id_token_signing_alg_values_supported": ["RS256"]})
        if path == "/authorize":
            code = uuid.uuid4().hex
            self._codes[code] = {"nonce": query.get("nonce", [""])[0], "email": self.email,
                                 "name": self.name, "email_verified": self.email_verified}
            target = query["redirect_uri"][0] + "?" + urlencode(
                {"code": code, "state": query.get("state", [""])[0]})
            return reply("", "302 Found", [("Location", target)])
        if path == "/token":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = parse_qs(environ["wsgi.input"].read(length).decode())
            grant = self._codes.pop(form.get("code", [""])[0], None)
            if grant is None:
                return reply({"error": "invalid_grant"}, "400 Bad Request")
            now = int(time.time())
            claims = {"iss": self.base, "aud": CLIENT_ID, "sub": grant["email"], "iat": now,
                      "exp": now + 600, "nonce": grant["nonce"], "email": grant["email"],
                      "email_verified": grant["email_verified"], "name": grant["name"]}
            return reply({"access_token": uuid.uuid4().hex, "token_type": "Bearer",
                          "expires_in": 600, "id_token": self._token(claims)})
        if path == "/jwks":
            numbers = self._key.public_key().public_numbers()
            return reply({"keys": [{"kty": "RSA", "kid": "1", "use": "sig", "alg": "RS256",
                                    "n": _int(numbers.n), "e": _int(numbers.e)}]})
        if path == "/logout":
            back = query.get("post_logout_redirect_uri", [""])[0]
            if back:
                return reply("", "302 Found", [("Location", back)])
            return reply("logged out")
        return reply("not found", "404 Not Found")

    def secrets_toml(self, app_base: str) -> str:
        """The [auth] section of .streamlit/secrets.toml for an app served at app_base."""
        return "\n".join([
            "[auth]",
            f'redirect_uri = "{app_base}/oauth2callback"',
            f'cookie_secret = "{uuid.uuid4().hex}{uuid.uuid4().hex}"',
            f'client_id = "{CLIENT_ID}"',
            f'client_secret = "{CLIENT_SECRET}"',
            f'server_metadata_url = "{self.metadata_url}"',
            "",
        ])
