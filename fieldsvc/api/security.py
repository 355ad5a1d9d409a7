"""Security headers on every answer, set in one place (a plain ASGI middleware: no per-request
task or body copy, so the intake path stays as fast as it was).

- ``Content-Security-Policy``: everything from this server only (no CDN is ever needed); the
  folium maps and Swagger UI still carry inline scripts, so ``script-src`` allows inline code
  but no other origin. An online tile server configured as the base layer is allowed for images.
- ``frame-ancestors 'self'`` / ``X-Frame-Options``: the maps are framed by our own pages only.
- ``Referrer-Policy: no-referrer``: sign-in and Collect addresses carry tokens.
- ``nosniff``; HSTS when the request came over https (directly or through the proxy).
- ``Cache-Control: no-store`` on staff pages and on private photos, so a shared office PC keeps
  no copy of them.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldsvc.config import Settings

NO_STORE_PREFIXES = ("/staff", "/api/v1/media/")
HSTS = "max-age=31536000"


def content_security_policy(settings: Settings) -> str:
    """The policy for this install (the base-layer tile host added to ``img-src`` if online)."""
    images = ["'self'", "data:", "blob:"]
    tiles = urlsplit(settings.map_base_layer)
    if tiles.scheme in ("http", "https") and tiles.netloc:
        images.append(f"{tiles.scheme}://{tiles.netloc}")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {' '.join(images)}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


class SecurityHeaders:
    """Adds the headers above to every HTTP response of the wrapped app."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.common = [
            (b"content-security-policy", content_security_policy(settings).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"SAMEORIGIN"),
            (b"referrer-policy", b"no-referrer"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        no_store = path.startswith(NO_STORE_PREFIXES)
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if not (no_store and name.lower() == b"cache-control")
                ]
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in self.common if n not in present]
                if no_store:
                    headers.append((b"cache-control", b"no-store"))
                if https:
                    headers.append((b"strict-transport-security", HSTS.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
