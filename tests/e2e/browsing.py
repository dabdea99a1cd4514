"""What the browser tests hold on to: the served app, and the browser contexts of one
journey with everything that went wrong in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Flask
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, Response

# Playwright's default is 30 s; a page of this app loads in well under a second, so a
# missing element fails fast instead of holding up the suite.
TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class LiveServer:
    """The app served on 127.0.0.1; ``server("/path")`` is the page's full address."""

    app: Flask
    url: str

    def __call__(self, path: str) -> str:
        return self.url + path


TAB_ICON = "/static/img/favicon"
PAGE_ANSWERED_4XX = "Failed to load resource: the server responded with a status of 4"

# Reports CSP violations even where Chromium's own console message would be missed
# (it is injected by the browser, so the page's CSP does not block it).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`securitypolicyviolation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@dataclass
class BrowserProblems:
    """What went wrong in the browser on any page of one journey."""

    origin: str
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def _own(self, url: str) -> bool:
        return url.startswith(self.origin + "/")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if (
            message.text.startswith(PAGE_ANSWERED_4XX)
            and self._own(url)
            and not urlsplit(url).path.startswith("/static/")
        ):
            # A page answered 400 (form errors) or 404 on purpose; Chromium logs that as
            # an error. Asset failures and server errors are caught by on_response.
            return
        text = f"{message.text} ({url})"
        if "Content Security Policy" in message.text or "securitypolicyviolation" in message.text:
            self.csp_violations.append(text)
        else:
            self.console_errors.append(text)

    def on_request_failed(self, request: Request) -> None:
        path = urlsplit(request.url).path
        if request.failure == "net::ERR_ABORTED" and path.startswith(TAB_ICON):
            # Chromium loads the tab's icon in the background and cancels the load when
            # the test moves on to the next page first. (A missing icon is still a 404.)
            return
        if self._own(request.url) and path.startswith("/static/"):
            self.failed_requests.append(f"{request.url}: {request.failure}")

    def on_response(self, response: Response) -> None:
        if not self._own(response.url):
            return
        path = urlsplit(response.url).path
        if (path.startswith("/static/") and response.status >= 400) or response.status >= 500:
            self.failed_requests.append(f"{response.url}: HTTP {response.status}")

    def assert_clean(self) -> None:
        assert self.console_errors == [], "console errors"
        assert self.csp_violations == [], "CSP violations"
        assert self.failed_requests == [], "failed requests for the app's own assets"


@dataclass
class Journey:
    """Browser contexts opened for one journey, all watched for problems."""

    browser: Browser
    server: LiveServer
    problems: BrowserProblems
    contexts: list[BrowserContext] = field(default_factory=list)

    def new_page(self, **options) -> Page:
        """A page in a new context: a fresh profile with its own cookies and storage."""
        # English pages whatever the machine's language (the app follows the browser's).
        options.setdefault("locale", "en-GB")
        context = self.browser.new_context(base_url=self.server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(CSP_LISTENER)
        context.on("console", self.problems.on_console)
        context.on("requestfailed", self.problems.on_request_failed)
        context.on("response", self.problems.on_response)
        self.contexts.append(context)
        return context.new_page()

    def phone_page(self, **options) -> Page:
        """A page on a phone's screen (390 by 844 CSS pixels, touch)."""
        return self.new_page(
            viewport={"width": 390, "height": 844},
            device_scale_factor=3,
            is_mobile=True,
            has_touch=True,
            **options,
        )

    def close(self) -> None:
        for context in self.contexts:
            context.close()
