"""What an app answers to logins, each login a new browser session (a new AppTest): run in the
test process, or as a restarted app in a new Python process
(`python -m tests.login_answers APP LOGINS_JSON`, one JSON answer a line).

A login is [email, password, ...]: those passwords tried in turn. An answer is LOGGED_IN or
REFUSED, a line break, then the error messages shown."""

import json
import sys

from streamlit.testing.v1 import AppTest


def answers(app: str, logins: list[list[str]]) -> list[str]:
    out = []
    for email, *passwords in logins:
        at = AppTest.from_file(app, default_timeout=60).run()
        for password in passwords:
            at.text_input(key="login_email").input(email)
            at.text_input(key="login_password").input(password)
            at.button(key="login_submit").click().run()
        out.append(("LOGGED_IN" if "user_id" in at.session_state else "REFUSED")
                   + "\n" + " | ".join(e.value for e in at.error))
    return out


if __name__ == "__main__":
    for answer in answers(sys.argv[1], json.loads(sys.argv[2])):
        print(json.dumps(answer))
