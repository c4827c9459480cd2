"""End to end of the ENT's CAS 3.0 server with an independent client library (PyPI python-cas).

Driven by tests/tests/cas.rs, which starts the server(s), creates a pupil and passes:
  argv[1]: a JSON object {"base": URL of server A, "other": URL of server B (the same server on
  SQLite), "root": the platform administrator's token, "login", "password", "attributes": the
  attributes expected for the pupil}.
A small HTTP server here stands for the partner application (the service): it receives the
browser redirected with its ticket, and the single logout requests. On success prints one JSON
object (what was observed) and exits 0; any failed check raises (exit 1).
"""

import html.parser
import json
import re
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests
from cas import CASClientV3

cfg = json.loads(sys.argv[1])
BASE, OTHER, ROOT = cfg["base"], cfg["other"], cfg["root"]
observed = {}


def check(condition, what):
    if not condition:
        raise AssertionError(what)


# --- The partner application: records the tickets it is sent and the logout requests. ---
received = {"tickets": [], "logouts": []}


class Service(BaseHTTPRequestHandler):
    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        received["tickets"].extend(query.get("ticket", []))
        self.send_response(200)
        self.send_header("content-type", "text/plain")
        self.end_headers()
        self.wfile.write(b"application")

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        received["logouts"].extend(form.get("logoutRequest", []))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


receiver = ThreadingHTTPServer(("127.0.0.1", 0), Service)
threading.Thread(target=receiver.serve_forever, daemon=True).start()
APP = f"http://127.0.0.1:{receiver.server_address[1]}"
SERVICE = f"{APP}/app/callback?from=ent"
OTHER_SERVICE = f"{APP}/other/callback"


def command(kind, payload):
    r = requests.post(f"{BASE}/api/v1/commands", headers={"authorization": f"Bearer {ROOT}"},
                      json={"command_id": str(uuid.uuid4()), "type": kind, "payload": payload})
    check(r.status_code == 200, f"{kind}: {r.status_code} {r.text}")
    return r.json()


# Two registrations: /app with the attributes and single logout, /other with none.
command("RegisterCasService", {"name": "Application <test>", "url_pattern": f"{APP}/app",
                               "attributes": ["login", "profile", "structure", "classes"], "single_logout": True})
last = command("RegisterCasService", {"name": "Autre", "url_pattern": f"{APP}/other", "attributes": []})
listing = requests.get(f"{BASE}/api/v1/admin/cas-services",
                       headers={"authorization": f"Bearer {ROOT}", "ent-min-position": str(last["position"])})
check(listing.status_code == 200 and len(listing.json()) == 2, f"listing: {listing.text}")
# Server B has its own read model runner: wait until it knows the registrations too.
for _ in range(100):
    r = requests.get(f"{OTHER}/cas/login", params={"service": SERVICE})
    if r.status_code == 200:
        break
    time.sleep(0.1)


class FormReader(html.parser.HTMLParser):
    """The login form's fields and labels."""

    def __init__(self):
        super().__init__()
        self.inputs, self.labels, self.form = {}, set(), None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.form = a
        elif tag == "input":
            self.inputs[a.get("name")] = a
        elif tag == "label":
            self.labels.add(a.get("for"))


def read_form(page):
    reader = FormReader()
    reader.feed(page)
    return reader


def ticket_of(location, service):
    check(location.startswith(service + "&ticket=ST-") or location.startswith(service + "?ticket=ST-"), f"redirect {location}")
    return urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["ticket"][0]


def login(browser, service, base=BASE, password=None, extra=None):
    """GET the form, POST the credentials with its token; the answer, not followed."""
    params = {"service": service, **(extra or {})}
    page = browser.get(f"{base}/cas/login", params=params, allow_redirects=False)
    check(page.status_code == 200, f"form: {page.status_code} {page.text}")
    check(page.headers["content-type"].startswith("text/html"), "the form is HTML")
    csp = page.headers.get("content-security-policy", "")
    check("default-src 'none'" in csp and "unsafe-inline" not in csp, f"CSP {csp}")
    form = read_form(page.text)
    check(form.form and form.form.get("method") == "post", "a POST form")
    for name in ("username", "password"):
        control = form.inputs[name]
        check(control.get("id") in form.labels, f"the {name} control has a label")
    check("<script" not in page.text and "style=" not in page.text, "no script, no inline style")
    fields = {"username": cfg["login"], "password": password or cfg["password"], "lt": form.inputs["lt"]["value"],
              "service": form.inputs["service"]["value"]}
    if "renew" in form.inputs:
        fields["renew"] = form.inputs["renew"]["value"]
    return browser.post(f"{base}/cas/login", data=fields, allow_redirects=False)


client = CASClientV3(server_url=f"{BASE}/cas/", service_url=SERVICE)

# 1. A real login through the form; the browser follows the redirect to the application.
browser = requests.Session()
wrong = login(browser, SERVICE, password="not-the-password-1")
check(wrong.status_code == 401 and "Identifiant ou mot de passe incorrect" in wrong.text, f"wrong password: {wrong.status_code}")
check("location" not in wrong.headers, "no redirect on a wrong password")
answer = login(browser, SERVICE)
check(answer.status_code == 303, f"login: {answer.status_code} {answer.text}")
cookie = answer.headers.get("set-cookie", "")
check("ent_cas_tgc=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/cas" in cookie, f"cookie {cookie}")
ticket = ticket_of(answer.headers["location"], SERVICE)
check(len(ticket) >= 3 + 32, "at least 128 random bits")
followed = browser.get(answer.headers["location"])
check(followed.status_code == 200 and received["tickets"][-1] == ticket, "the application got the ticket")

# 2. The application validates it with python-cas: the user and the attributes released.
user, attributes, _ = client.verify_ticket(ticket)
check(user == cfg["login"], f"user {user}")
for name, value in cfg["attributes"].items():
    check(attributes.get(name) == value, f"attribute {name}: {attributes.get(name)!r} != {value!r}")
check(set(attributes) == set(cfg["attributes"]), f"only the released attributes: {attributes}")
observed["user"], observed["attributes"] = user, attributes

# 3. Replayed: refused.
replayed = client.verify_ticket(ticket)
check(replayed[0] is None, "a replayed ticket is refused")
raw = requests.get(f"{BASE}/cas/p3/serviceValidate", params={"service": SERVICE, "ticket": ticket})
check('code="INVALID_TICKET"' in raw.text, raw.text)

# 4. Single sign-on: the next login redirects at once with a new ticket; renew shows the form;
#    validated for another service: INVALID_SERVICE, and consumed.
sso = browser.get(f"{BASE}/cas/login", params={"service": SERVICE}, allow_redirects=False)
check(sso.status_code == 302, f"single sign-on: {sso.status_code}")
second = ticket_of(sso.headers["location"], SERVICE)
check(second != ticket, "a new ticket")
renew = browser.get(f"{BASE}/cas/login", params={"service": SERVICE, "renew": "true"}, allow_redirects=False)
check(renew.status_code == 200 and 'name="password"' in renew.text, "renew asks for the credentials")
wrong_service = requests.get(f"{BASE}/cas/serviceValidate", params={"service": OTHER_SERVICE, "ticket": second})
check('code="INVALID_SERVICE"' in wrong_service.text, wrong_service.text)
check(client.verify_ticket(second)[0] is None, "consumed by the failed validation")

# 5. A service not registered: an error page, no ticket, with or without a session.
for who in (browser, requests.Session()):
    refused = who.get(f"{BASE}/cas/login", params={"service": "http://127.0.0.1:9/evil"}, allow_redirects=False)
    check(refused.status_code == 403 and "location" not in refused.headers, f"unregistered: {refused.status_code}")
    check("ticket" not in refused.text, "no ticket in the page")
lookalike = browser.get(f"{BASE}/cas/login", params={"service": f"{APP}/application"}, allow_redirects=False)
check(lookalike.status_code == 403, "a path that only starts like the pattern is not registered")

# 6. gateway=true without a session: back to the application without a ticket.
gateway = requests.get(f"{BASE}/cas/login", params={"service": SERVICE, "gateway": "true"}, allow_redirects=False)
check(gateway.status_code == 302 and gateway.headers["location"] == SERVICE, f"gateway: {gateway.headers.get('location')}")

# 7. JSON format.
sso = browser.get(f"{BASE}/cas/login", params={"service": SERVICE}, allow_redirects=False)
as_json = requests.get(f"{BASE}/cas/serviceValidate", params={"service": SERVICE, "format": "JSON",
                                                             "ticket": ticket_of(sso.headers["location"], SERVICE)}).json()
check(as_json["serviceResponse"]["authenticationSuccess"]["user"] == cfg["login"], json.dumps(as_json))
missing = requests.get(f"{BASE}/cas/serviceValidate", params={"service": SERVICE, "format": "JSON"}).json()
check(missing["serviceResponse"]["authenticationFailure"]["code"] == "INVALID_REQUEST", json.dumps(missing))

# 8. A ticket issued by server A validates on server B, once.
sso = browser.get(f"{BASE}/cas/login", params={"service": SERVICE}, allow_redirects=False)
across = ticket_of(sso.headers["location"], SERVICE)
other_client = CASClientV3(server_url=f"{OTHER}/cas/", service_url=SERVICE)
user, _, _ = other_client.verify_ticket(across)
check(user == cfg["login"], "validated on the other server")
check(client.verify_ticket(across)[0] is None and other_client.verify_ticket(across)[0] is None, "and only once")
observed["other_server"] = OTHER != BASE

# 9. Expired: a ticket validated after its 10 s.
sso = browser.get(f"{BASE}/cas/login", params={"service": SERVICE}, allow_redirects=False)
late = ticket_of(sso.headers["location"], SERVICE)
time.sleep(11)
expired = requests.get(f"{BASE}/cas/p3/serviceValidate", params={"service": SERVICE, "ticket": late})
check('code="INVALID_TICKET"' in expired.text and "expired" in expired.text, expired.text)

# 10. Logout: the session ends, the application gets the single logout request naming one of the
#     tickets it validated; the cookie no longer opens the session.
out = browser.get(f"{BASE}/cas/logout", params={"service": SERVICE}, allow_redirects=False)
check(out.status_code == 302 and out.headers["location"] == SERVICE, f"logout: {out.status_code}")

def session_indexes():
    return [i.text for r in list(received["logouts"]) for i in (CASClientV3.get_saml_slos(r) or [])]


for _ in range(200):
    if ticket in session_indexes():
        break
    time.sleep(0.05)
check(received["logouts"], "the application received the single logout")
indexes = session_indexes()
check(ticket in indexes, f"the logout request names the session by its ticket: {indexes}")
check(CASClientV3.verify_logout_request(received["logouts"][0], indexes[0]), "python-cas accepts the logout request")
observed["logouts"] = len(received["logouts"])
# The browser dropped the cookie (Max-Age=0); the old cookie value no longer opens the session.
after = requests.get(f"{BASE}/cas/login", params={"service": SERVICE}, allow_redirects=False,
                     cookies={"ent_cas_tgc": re.search(r"ent_cas_tgc=([^;]+)", cookie).group(1)})
check(after.status_code == 200 and 'name="password"' in after.text, "the session has ended")

print(json.dumps(observed))
