"""Start the learner's Flask app the way `flask --app MODULE run` finds it, on 127.0.0.1:PORT.

Usage: serve_flask.py MODULE PORT. Faster than the flask command line (no CLI machinery, no reloader).
"""

import sys

from flask.cli import ScriptInfo


def main():
    module, port = sys.argv[1], int(sys.argv[2])
    app = ScriptInfo(app_import_path=module).load_app()
    app.run(host="127.0.0.1", port=port, debug=False, use_reloader=False, threaded=True)


if __name__ == "__main__":
    main()
