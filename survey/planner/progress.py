"""How fieldwork is going, for the fieldwork dashboard: drafts started and
finished, where unfinished drafts stop, how long residents take, and the
response rate of the sample per wave of letters and per stratum. Each
figure is one SQL GROUP BY over rows that hold no answer.

Rules:
- Started: every web draft of the survey (resident or partner). Finished:
  the drafts that were sent (kept, emptied and cut to their day, until the
  purge). The rest is in progress while it can still be resumed, and
  stopped once it has expired. Paper and imported responses have no draft
  and are not counted here (the responses by mode are).
- Drop-off: unfinished drafts by the furthest page they reached (a draft
  that reached the check page stopped there).
- Completion time: from the histogram of ``survey.answering.timing``, in
  minutes; the median by interpolation within its band.
- Response rate: codes used / codes sent, in percent. Per wave ``w``: the
  members whose letters included wave ``w`` (reminders go to every unused
  code, so a member got waves 1 .. ``SampleMember.last_wave``), and how
  many of their codes have been used so far; "before the next wave" counts
  the used codes whose last letter was wave ``w``. Per stratum: the
  members of the survey's newest sample and their used codes. Members are
  deleted by the purge at the end of fieldwork, and these figures with
  them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, case, cast, func, select

from survey.answering.timing import BANDS, median_minutes
from survey.definitions.definition import SurveyDefinition
from survey.extensions import DbSession
from survey.i18n import text_for
from survey.models import CompletionTimes, Draft, InvitationCode, SampleMember, Survey
from survey.models.base import utcnow
from survey.planner.sample import latest_sample, samples_of, stratum_text


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; None when ``whole`` is 0."""
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Drafts:
    """Web drafts of a survey: started = finished + in progress + stopped."""

    finished: int
    in_progress: int
    stopped: int

    @property
    def started(self) -> int:
        """Every draft: sent, still open, or expired unsent."""
        return self.finished + self.in_progress + self.stopped

    @property
    def finished_percent(self) -> float | None:
        """Finished drafts as a percentage of the started ones."""
        return percent(self.finished, self.started)


@dataclass(frozen=True)
class PageStop:
    """Unfinished drafts whose furthest page is ``index`` (0-based; the
    number of pages means the check page): open ones and expired ones."""

    index: int
    title: str
    in_progress: int
    stopped: int

    @property
    def total(self) -> int:
        """Every unfinished draft that stopped on this page."""
        return self.in_progress + self.stopped


@dataclass(frozen=True)
class Band:
    """One band of the completion-time histogram: ``lower`` minutes up to
    ``upper`` (None: the open last band), and its responses."""

    lower: int
    upper: int | None
    count: int


@dataclass(frozen=True)
class CompletionTime:
    """The completion-time histogram and its median in minutes."""

    bands: tuple[Band, ...]
    median: float | None

    @property
    def responses(self) -> int:
        """Responses counted in the histogram."""
        return sum(band.count for band in self.bands)

    @property
    def median_open(self) -> bool:
        """The median lies in the open last band (it is a lower bound)."""
        return self.median is not None and self.median >= BANDS[-1]


@dataclass(frozen=True)
class Rate:
    """Codes sent and used for one wave or stratum (``key``), with its
    label; ``answered_before_next``: used codes whose last letter was this
    wave (waves only)."""

    key: str
    label: str
    sent: int
    used: int
    answered_before_next: int | None = None

    @property
    def percent(self) -> float | None:
        """Codes used per code sent, in percent."""
        return percent(self.used, self.sent)


def drafts(session: DbSession, survey: Survey) -> Drafts:
    """The survey's web drafts by state (see the module's rules)."""
    now = utcnow()
    state = case(
        (Draft.submitted.is_(True), "finished"),
        (Draft.expires_at > now, "in_progress"),
        else_="stopped",
    )
    counts = {
        str(name): int(n)
        for name, n in session.execute(
            select(state, func.count()).where(Draft.survey_id == survey.id).group_by(state)
        ).all()
    }
    return Drafts(
        finished=counts.get("finished", 0),
        in_progress=counts.get("in_progress", 0),
        stopped=counts.get("stopped", 0),
    )


def drop_off(
    session: DbSession, survey: Survey, definition: SurveyDefinition, language: str, check: str
) -> list[PageStop]:
    """Unfinished drafts by the furthest page reached, every page listed
    (``check``: the name of the check page) in page order."""
    now = utcnow()
    expired = cast(Draft.expires_at <= now, Integer)
    counts = {
        int(index): (int(n), int(stopped or 0))
        for index, n, stopped in session.execute(
            select(Draft.page_index, func.count(), func.sum(expired))
            .where(Draft.survey_id == survey.id, Draft.submitted.is_(False))
            .group_by(Draft.page_index)
        ).all()
    }
    last = len(definition.pages)
    titles = [text_for(page.title, language) or page.key for page in definition.pages]
    titles.append(check)
    folded: dict[int, tuple[int, int]] = {}
    for index, (n, stopped) in counts.items():
        # A draft of an older version may have reached further than the pages of this one.
        slot = min(max(index, 0), last)
        total, gone = folded.get(slot, (0, 0))
        folded[slot] = (total + n, gone + stopped)
    return [
        PageStop(
            index=i,
            title=titles[i],
            in_progress=folded.get(i, (0, 0))[0] - folded.get(i, (0, 0))[1],
            stopped=folded.get(i, (0, 0))[1],
        )
        for i in range(last + 1)
    ]


def completion_time(session: DbSession, survey: Survey) -> CompletionTime:
    """The survey's completion-time histogram (every band, empty ones too)
    and its median in minutes."""
    counts = {
        int(band): int(n)
        for band, n in session.execute(
            select(CompletionTimes.band, CompletionTimes.count).where(
                CompletionTimes.survey_id == survey.id
            )
        ).all()
    }
    uppers: list[int | None] = [*BANDS[1:], None]
    bands = tuple(
        Band(lower=lower, upper=upper, count=counts.get(lower, 0))
        for lower, upper in zip(BANDS, uppers, strict=True)
    )
    return CompletionTime(bands=bands, median=median_minutes(counts))


def wave_rates(session: DbSession, survey: Survey) -> list[Rate]:
    """Codes sent and used per wave of letters over the survey's samples
    (``key`` and ``label``: the wave's number); members without a recorded
    wave are left out."""
    sample_ids = [sample.id for sample in samples_of(session, survey)]
    if not sample_ids:
        return []
    used = cast(InvitationCode.used, Integer)
    by_last: dict[int, tuple[int, int]] = {
        int(wave or 0): (int(n), int(u or 0))
        for wave, n, u in session.execute(
            select(SampleMember.last_wave, func.count(), func.sum(used))
            .join(InvitationCode, InvitationCode.id == SampleMember.invitation_code_id)
            .where(SampleMember.sample_id.in_(sample_ids), SampleMember.last_wave.is_not(None))
            .group_by(SampleMember.last_wave)
        ).all()
    }
    rates: list[Rate] = []
    for wave in range(1, max(by_last, default=0) + 1):
        later = [pair for last, pair in by_last.items() if last >= wave]
        rates.append(
            Rate(
                key=str(wave),
                label=str(wave),
                sent=sum(n for n, _u in later),
                used=sum(u for _n, u in later),
                answered_before_next=by_last.get(wave, (0, 0))[1],
            )
        )
    return rates


def stratum_rates(session: DbSession, survey: Survey) -> list[Rate]:
    """Codes sent and used per stratum of the survey's newest sample, in
    stratum order, labelled as the planner reads them."""
    sample = latest_sample(session, survey)
    if sample is None:
        return []
    used = cast(InvitationCode.used, Integer)
    return [
        Rate(key=str(stratum), label=stratum_text(str(stratum)), sent=int(n), used=int(u or 0))
        for stratum, n, u in session.execute(
            select(SampleMember.stratum, func.count(), func.sum(used))
            .join(InvitationCode, InvitationCode.id == SampleMember.invitation_code_id)
            .where(SampleMember.sample_id == sample.id)
            .group_by(SampleMember.stratum)
            .order_by(SampleMember.stratum)
        ).all()
    ]
