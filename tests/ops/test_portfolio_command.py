"""`grader portfolio list|export`: IT writes an approved export to a USB stick from the server, and
nothing else."""

from __future__ import annotations

import zipfile
from pathlib import Path

from store.models import PortfolioExport, User
from store.signed import sign_document
from store.site_key import site_key
from tests.helpers.transfer import make_site, seed_learner
from web.portfolio_site import to_zip


def test_only_an_approved_export_is_written(tmp_path: Path) -> None:
    site = make_site(tmp_path / "a")
    seed_learner(site)
    key = site_key(site.instance)
    record = {"site": {"name": "Site a", "key": key.fingerprint}, "learner": {"name": "Ann Lee"}}
    with site.session() as session:
        ann = session.query(User).filter_by(username="ann").one()
        waiting = PortfolioExport(user_id=ann.id, site_zip=to_zip({"index.html": b"<h1>Ann</h1>"}),
                                  site_sha256="x", record=record)
        approved = PortfolioExport(user_id=ann.id, state="approved",
                                   site_zip=to_zip({"index.html": b"<h1>A</h1>"}), site_sha256="y",
                                   record=record, pdf=b"%PDF-1.4 test",
                                   signed_record=sign_document(key, "record", record))
        session.add_all([waiting, approved])
        session.commit()
        waiting_id, approved_id = waiting.id, approved.id
    listed = site.grader("portfolio", "list")
    assert listed.returncode == 0 and f"#{waiting_id:<5} requested  ann" in listed.stdout
    usb = tmp_path / "usb"
    usb.mkdir()
    refused = site.grader("portfolio", "export", str(waiting_id), str(usb))
    assert refused.returncode == 1 and "is requested" in refused.stderr and not list(usb.iterdir())
    done = site.grader("portfolio", "export", str(approved_id), str(usb))
    assert done.returncode == 0, done.stderr
    written = usb / f"portfolio-ann-lee-{approved_id}.zip"
    with zipfile.ZipFile(written) as archive:
        folder = f"portfolio-ann-lee-{approved_id}/"
        assert sorted(archive.namelist()) == [folder + name for name in (
            "index.html", "portfolio.pdf", "record.json", "site-key.pub")]
        assert archive.read(folder + "site-key.pub") == key.public_pem
    assert site.grader("portfolio", "export", "999", str(usb)).returncode == 1
