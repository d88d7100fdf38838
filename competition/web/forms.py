"""Forms of the console (WTForms through Flask-WTF, so every POST carries a CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import SelectChoice as SelectChoice  # type: ignore[attr-defined]  # stubs < 3.3
from wtforms.validators import DataRequired, Length, Optional


class LoginForm(FlaskForm):  # type: ignore[misc]
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class ContestForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Contest name"), validators=[DataRequired(), Length(max=200)])
    event = StringField(_l("Event"), validators=[Optional(), Length(max=200)])
    rule_file = SelectField(_l("Rule file in scoring_rules/"), validators=[Optional()])
    upload = FileField(_l("…or upload a rule file"))
    items = IntegerField(
        _l("Number of items (where the rule file lets an event choose, e.g. 5 or 6 dives)"),
        validators=[Optional()],
    )
    blind = BooleanField(_l("Blind judging (加密)"))
    programme = SelectField(_l("Programme"), validate_choice=False)
    organisation = SelectField(_l("Organisation that runs it"), validate_choice=False)
    trade = StringField(_l("Trade (e.g. 焊工, 电工)"), validators=[Optional(), Length(max=64)])


class ItemCountForm(FlaskForm):  # type: ignore[misc]
    """How many items (dives, runs) an event has, where its rule file lets it choose."""

    count = IntegerField(_l("Number of items"), validators=[DataRequired()])


class ReasonForm(FlaskForm):  # type: ignore[misc]
    """A lifecycle step, with an optional reason for the audit log."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class StepForm(ReasonForm):
    """A lifecycle step confirmed on its page: the reason, and the override of what stands
    in its way (the service decides when either is needed)."""

    override = BooleanField(_l("I have checked these and take the step anyway"))


class EntrantForm(FlaskForm):  # type: ignore[misc]
    """One entrant's correction: the fields are the rule file's, so the page reads them from
    the request; the form carries the CSRF token."""


class JudgeForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Judge's name"), validators=[DataRequired(), Length(max=120)])
    unit = StringField(_l("Work unit (for 回避)"), validators=[Optional(), Length(max=200)])
    pin = StringField(_l("PIN (4–6 digits, optional)"), validators=[Optional(), Length(max=6)])


class AssignmentForm(FlaskForm):  # type: ignore[misc]
    """``seat`` is "<event id>:<kind>:<name>" (competition.services.seats), chosen from the
    rule file's panels and criteria by their labels, grouped by event."""

    judge = SelectField(_l("Judge"), coerce=int)
    seat = SelectField(_l("What they mark"))
    entrant = StringField(
        _l("Entrant code (empty: every entrant)"), validators=[Optional(), Length(max=64)]
    )
    override = StringField(
        _l("Despite a conflict of interest (回避), because (optional; audited)"),
        validators=[Optional(), Length(max=2000)],
    )


class PoolJudgeForm(FlaskForm):  # type: ignore[misc]
    """A contest's judge taken from the judges' pool."""

    person = SelectField(_l("Judge from the pool"), coerce=int)
    pin = StringField(_l("PIN (4–6 digits, optional)"), validators=[Optional(), Length(max=6)])


class PoolPersonForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    unit = StringField(_l("Work unit"), validators=[Optional(), Length(max=200)])
    expertise = StringField(
        _l("Expertise (trade judged)"), validators=[DataRequired(), Length(max=200)]
    )


class ConflictForm(FlaskForm):  # type: ignore[misc]
    """A declared conflict: with a person (by name; the unit too where several share it) or
    with a whole unit."""

    person_name = StringField(_l("With a person (name)"), validators=[Optional(), Length(max=120)])
    unit = StringField(
        _l("…or with a unit (and the person's unit, where several share the name)"),
        validators=[Optional(), Length(max=200)],
    )
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class UploadForm(FlaskForm):  # type: ignore[misc]
    sheet = FileField(_l("Entrants sheet (XLSX or CSV)"))


class PinForm(FlaskForm):  # type: ignore[misc]
    pin = PasswordField(_l("PIN"), validators=[DataRequired(), Length(min=4, max=6)])


class SimulateForm(FlaskForm):  # type: ignore[misc]
    marks = FileField(_l("Marks CSV (entrant,item,criterion,judge,value)"))


class UserForm(FlaskForm):  # type: ignore[misc]
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Name shown"), validators=[Optional(), Length(max=120)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=8, max=256)])
    is_admin = BooleanField(_l("Admin"))
    organisation = SelectField(
        _l("Organisation (organises its contests and those below)"), validate_choice=False
    )


class OrganisationForm(FlaskForm):  # type: ignore[misc]
    """A union organisation and its place in the tree (checked by the service)."""

    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    level = SelectField(_l("Level"), validate_choice=False)
    parent = SelectField(_l("Under"), validate_choice=False)
    district = StringField(
        _l("District (for the programme's figures)"), validators=[Optional(), Length(max=64)]
    )


class ProgrammeForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Programme name"), validators=[DataRequired(), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[DataRequired()])
    series = StringField(_l("Series (e.g. 建功十四五)"), validators=[Optional(), Length(max=200)])
    budget = StringField(_l("Prize budget (yuan)"), validators=[Optional(), Length(max=32)])
    organisation = SelectField(_l("Owned by"), validate_choice=False)


class PlacementForm(FlaskForm):  # type: ignore[misc]
    """Where a contest belongs: its programme, organisation and trade."""

    programme = SelectField(_l("Programme"), validate_choice=False)
    organisation = SelectField(_l("Organisation that runs it"), validate_choice=False)
    trade = StringField(_l("Trade (e.g. 焊工, 电工)"), validators=[Optional(), Length(max=64)])


class RoleForm(FlaskForm):  # type: ignore[misc]
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("organiser", _l("Organiser")),
            SelectChoice("chief_judge", _l("Chief judge")),
        ],
    )


class TimeZoneForm(FlaskForm):  # type: ignore[misc]
    """The zone a contest's times are shown in (an IANA name; checked by the service)."""

    time_zone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)])


class RuleVersionForm(FlaskForm):  # type: ignore[misc]
    upload = FileField(_l("New version of the rule file"))
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])


class RoundForm(FlaskForm):  # type: ignore[misc]
    item = StringField(validators=[Optional(), Length(max=64)])
    status = StringField(validators=[DataRequired(), Length(max=8)])


class RecheckForm(FlaskForm):  # type: ignore[misc]
    judge = IntegerField(validators=[DataRequired()])
    entrant = StringField(validators=[DataRequired(), Length(max=64)])
    item = StringField(validators=[Optional(), Length(max=64)])
    criterion = StringField(validators=[DataRequired(), Length(max=64)])
    note = StringField(_l("Note to the judge"), validators=[Optional(), Length(max=500)])


class CorrectionForm(FlaskForm):  # type: ignore[misc]
    judge = IntegerField(_l("Judge"), validators=[DataRequired()])
    entrant = StringField(_l("Entrant code"), validators=[DataRequired(), Length(max=64)])
    item = StringField(_l("Item (empty if none)"), validators=[Optional(), Length(max=64)])
    criterion = StringField(_l("Criterion"), validators=[DataRequired(), Length(max=64)])
    value = StringField(_l("New value"), validators=[DataRequired(), Length(max=32)])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


BOARD_MODES = {
    "provisional": _l("Provisional: live during scoring"),
    "frozen": _l("Frozen: as it stands now, until publication"),
    "hidden": _l("Hidden until publication"),
}


class BoardForm(FlaskForm):  # type: ignore[misc]
    """How the public board shows the contest until publication."""

    mode = SelectField(
        _l("Public board"),
        choices=[SelectChoice(mode, label) for mode, label in BOARD_MODES.items()],
        validators=[DataRequired()],
    )


class AppealForm(FlaskForm):  # type: ignore[misc]
    """An appeal (申诉) as the organiser records it."""

    event = SelectField(_l("Event"), coerce=int, validators=[DataRequired()])
    entrant = StringField(_l("Entrant code"), validators=[DataRequired(), Length(max=64)])
    appellant = StringField(_l("Appellant"), validators=[DataRequired(), Length(max=200)])
    grounds = TextAreaField(_l("Grounds"), validators=[DataRequired(), Length(max=2000)])


class DecisionForm(FlaskForm):  # type: ignore[misc]
    """The decision on an appeal; an upheld one names the mark it corrects and the value."""

    outcome = SelectField(
        _l("Decision"),
        choices=[SelectChoice("rejected", _l("Rejected")), SelectChoice("upheld", _l("Upheld"))],
        validators=[DataRequired()],
    )
    decision = TextAreaField(_l("Reasons"), validators=[DataRequired(), Length(max=2000)])
    mark = SelectField(_l("Mark to correct"), coerce=int, validators=[Optional()])
    value = StringField(_l("Corrected value"), validators=[Optional(), Length(max=32)])


class DocumentsForm(FlaskForm):  # type: ignore[misc]
    """Who issues the award list and certificates (发证单位), and on which date."""

    issuer = StringField(
        _l("Issuing body (e.g. 延安市总工会)"), validators=[Optional(), Length(max=200)]
    )
    issued_on = DateField(_l("Date of issue"), validators=[Optional()])


class SealForm(FlaskForm):  # type: ignore[misc]
    seal = FileField(_l("Seal image (PNG or JPEG, at most 512 KB)"))


class PersonForm(FlaskForm):  # type: ignore[misc]
    """A person put on record by the organiser; the ID number is checked and never kept."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=200)])
    id_number = StringField(
        _l("ID number (only its last four are kept)"), validators=[Optional(), Length(max=40)]
    )


class LinkForm(FlaskForm):  # type: ignore[misc]
    """Which person on record an entrant is (0: no one)."""

    person = IntegerField(_l("Person"), validators=[Optional()])


class EraseForm(FlaskForm):  # type: ignore[misc]
    """An erasure on the person's request: the request is the reason."""

    reason = TextAreaField(
        _l("Reason (the person's request)"), validators=[DataRequired(), Length(max=2000)]
    )


class QualifierForm(FlaskForm):  # type: ignore[misc]
    """The best of an earlier event advance into this one: top N or a tier and better. The
    service explains a refused choice (another kind of entrant, a tier not awarded)."""

    source = SelectField(_l("Earlier event"), coerce=int, validate_choice=False)
    top = IntegerField(_l("Top N advance"), validators=[Optional()])
    tier = StringField(_l("…or this tier and better"), validators=[Optional(), Length(max=64)])


class TemplateForm(FlaskForm):  # type: ignore[misc]
    """A new contest from a past one or a shipped rule file (``contest:ID`` or
    ``rules:PATH``); an empty programme or organisation keeps the past contest's."""

    source = SelectField(_l("Start from"), validate_choice=False)
    name = StringField(_l("New contest name"), validators=[DataRequired(), Length(max=200)])
    copy_judges = BooleanField(_l("Copy the judges' panel (new login cards)"), default=True)
    programme = SelectField(_l("Programme"), validate_choice=False)
    organisation = SelectField(_l("Organisation that runs it"), validate_choice=False)
    trade = StringField(_l("Trade (empty: as the past contest)"), validators=[Length(max=64)])
