"""The database models, one module per area; imported here so that Alembic
and the app see every table."""

from survey.models.audit import SurveyEvent
from survey.models.consultation import (
    Consultation,
    ObjectiveIndicator,
    Phenomenon,
    PopulationMargin,
    TagCorrection,
)
from survey.models.partner import PartnerLink, PartnerOrganisation
from survey.models.planner import PlannerUser, Role
from survey.models.purge import PurgeLog
from survey.models.response import (
    Answer,
    CompletionTimes,
    Draft,
    FreeText,
    InvitationCode,
    Response,
    ResponseCell,
    ResponseMode,
    dimensions_signature,
)
from survey.models.sample import FramePerson, LetterRun, Sample, SampleFrame, SampleMember
from survey.models.survey import (
    DefinitionFrozen,
    InvalidTransition,
    Question,
    QuestionOption,
    Survey,
    SurveyState,
    Variable,
)

__all__ = [
    "Answer",
    "CompletionTimes",
    "Consultation",
    "DefinitionFrozen",
    "Draft",
    "FramePerson",
    "FreeText",
    "InvalidTransition",
    "InvitationCode",
    "LetterRun",
    "ObjectiveIndicator",
    "PartnerLink",
    "PartnerOrganisation",
    "Phenomenon",
    "PlannerUser",
    "PopulationMargin",
    "PurgeLog",
    "Question",
    "QuestionOption",
    "Response",
    "ResponseCell",
    "ResponseMode",
    "Role",
    "Sample",
    "SampleFrame",
    "SampleMember",
    "Survey",
    "SurveyEvent",
    "SurveyState",
    "TagCorrection",
    "Variable",
    "dimensions_signature",
]
