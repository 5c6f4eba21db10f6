//! Shared data: cases and their expectations, trajectories, scores, results, verdicts, the plan.
//!
//! Owns every type that crosses a module boundary. Imports nothing from the crate and does no
//! I/O: parsing of user files lives in `config`, normalization of provider JSON in `adapter` and
//! `trace`. Deserialization here is shape-only (strict: unknown keys are errors); cross-file
//! checks live in `config`.

pub mod args;
pub mod calibration;
mod call;
pub mod cap;
pub mod case;
pub mod comparison;
pub mod judge;
pub mod metric;
pub mod plan;
mod response;
pub mod result;
pub mod retry;
pub mod score;
pub mod secret;
pub mod trace;
pub mod trajectory;
mod vars;
pub mod verdict;

pub use args::{ArgExpect, ArgMatcher, ArgsSpec, Cmp, JsonType, Matcher, Normalize};
pub use calibration::{
    CalibrationItem, CalibrationReport, ConfusionCounts, FingerprintParts, HumanLabel,
    LENGTH_BIAS_FLAG, LengthBiasProbe,
};
pub use case::{
    ArgsMode, CallName, Case, Expect, ExpectItem, ExpectedCall, ForbidCall, Input, Lineage,
    MatchMode, Message, ResponseCheck, Review, Role, SimilaritySpec, SourceLoc, Tool,
    TrajectoryExpect,
};
pub use comparison::{
    BaseRef, CaseChange, ChangeKind, Comparison, DatasetChange, DeltaStatus, MetricDelta,
    ScoreChange, Significance, TrajectoryDiff, UsageDelta, UsageTotals,
};
pub use judge::{Aggregate, JudgeCheck, JudgeKind, JudgeProvider, JudgeSpec, JudgeSummary};
pub use metric::{Gate, MetricName};
pub use plan::{
    AgentSpec, CompositePolicy, ConfigFile, DEFAULT_MAX_RESPONSE_BYTES, HttpMethod, LoadedJudge,
    MetricPolicy, Plan, PolicySpec, PromoteSpec, ReportSpec, ResponseMapping, RunSpec, SliceFloor,
    StartSpec, Suite, SuiteSpec,
};
pub use result::{
    CaseError, CaseResult, DatasetRef, ErrorKind, Outcome, RunMeta, RunReport, SCHEMA_VERSION,
};
pub use retry::RetrySpec;
pub use score::{
    AlignKind, AlignRow, Score, ScoreStatus, TrajectoryChecks, TrajectoryMetrics, TrajectoryScore,
};
pub use secret::{MASK, MIN_SECRET_CHARS, Secrets, SecretsBuilder};
pub use trace::{TraceMatch, TraceRecord, TraceRule, TraceRules};
pub use trajectory::{CallStatus, ToolCall, Trajectory, Usage};
pub use vars::expand_vars;
pub use verdict::{
    CompositeRow, Counts, ErrorBudget, MetricRow, RowStatus, SliceRow, Verdict, VerdictStatus,
};
