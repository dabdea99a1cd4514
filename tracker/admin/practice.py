"""Practice settings: name, address, letterhead, crisis resources, footer, vitals thresholds."""

from __future__ import annotations

import json

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.admin import bp
from tracker.admin.forms import PracticeForm
from tracker.domain import readiness
from tracker.domain.vitals import VitalsThresholds, threshold_problems
from tracker.extensions import db
from tracker.forms import problem_text
from tracker.models import Practice
from tracker.web import audit


@bp.route("/practice", methods=["GET", "POST"])
def edit_practice():
    practice = db.session.get(Practice, current_user.practice_id)
    form = PracticeForm(obj=practice)
    if not form.is_submitted():
        custom = json.loads(practice.predose_checklist) if practice.predose_checklist else []
        form.checklist_text.data = "\n".join(custom)
    if form.validate_on_submit():
        checklist, problem = readiness.parse_checklist(form.checklist_text.data)
        thresholds = VitalsThresholds(
            **{name: getattr(form, name).data for name in PracticeForm.THRESHOLD_FIELDS}
        )
        problems = threshold_problems(thresholds)
        if problem:
            problems["checklist_text"] = problem
        for name, problem in problems.items():
            getattr(form, name).errors.append(problem_text(problem))
        if not problems:
            changed = [
                name
                for name in (
                    "name",
                    "address",
                    "letterhead_text",
                    "crisis_resources",
                    "report_footer",
                    *PracticeForm.THRESHOLD_FIELDS,
                    *PracticeForm.MEDICINE_FIELDS,
                )
                if getattr(practice, name) != getattr(form, name).data
            ]
            stored = json.dumps(checklist) if checklist else None
            if stored != practice.predose_checklist:
                changed.append("predose_checklist")
            form.populate_obj(practice)
            practice.predose_checklist = stored
            audit(
                "practice.update",
                record_type="practice",
                record_id=practice.id,
                detail=",".join(changed),
            )
            db.session.commit()
            flash(_("Practice settings saved."), "success")
            return redirect(url_for("admin.edit_practice"))
    return render_template("admin/practice.html", form=form), (400 if form.errors else 200)
