"""The World abstraction: seeded random instances of a question's objects, rebuilt on demand for derivatives."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

Index = tuple[Any, ...]  # ints for sequence positions, strings for labels (mu_batch -> ("batch",))
Key = tuple[str, Index]


@dataclass(frozen=True)
class Draw:
    """One independent instance: its seed, size, activation and horizon (how far sequences run)."""

    seed: int
    size: int = 3
    activation: str = "tanh"
    horizon: int = 5
    options: tuple[tuple[str, Any], ...] = ()  # world-specific knobs, e.g. (("convention", "minus"),)

    def option(self, name: str, default: Any = None) -> Any:
        return dict(self.options).get(name, default)

    def describe(self) -> str:
        return f"seed {self.seed}, n = {self.size}, {self.activation}"


ACTIVATIONS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray], float]] = {
    # name: (sigma, sigma', sup |sigma'|)
    "tanh": (np.tanh, lambda x: 1.0 - np.tanh(x) ** 2, 1.0),
    "relu": (lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(float), 1.0),
    "sigmoid": (lambda x: 1.0 / (1.0 + np.exp(-x)),
                lambda x: np.exp(-x) / (1.0 + np.exp(-x)) ** 2, 0.25),
    "leaky_relu": (lambda x: np.where(x > 0, x, 0.1 * x), lambda x: np.where(x > 0, 1.0, 0.1), 1.0),
}
INVERSES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "tanh": np.arctanh,
    "sigmoid": lambda y: np.log(y / (1.0 - y)),
    "leaky_relu": lambda y: np.where(y > 0, y, y / 0.1),
}  # relu has none: sigma^{-1} is unbound there, so statements using it are skipped


class Dynamic:
    """A value that depends on the statement's free indices (L_reg at the current step): fn(evaluator)."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn


class WorldFunction:
    """A function a world names (sigma, p, delta_t): called with evaluated args, or with raw nodes when `raw`."""

    def __init__(self, fn: Callable[..., Any], raw: bool = False) -> None:
        self.fn = fn
        self.raw = raw  # raw functions get (evaluator, arg nodes, sub nodes) and interpret them (p(w_t = j | ...))


@dataclass
class Scope:
    """What a world's `build` function fills: values by key, functions, free indices, expectation samples.

    `let` applies the overrides a rebuild asks for (a perturbation for a numeric derivative, a sample for an
    expectation), so that everything computed after it moves with it.
    """

    draw: Draw
    overrides: Mapping[Key, tuple[str, Any]] = field(default_factory=dict)  # key -> ("add"|"set", value)
    values: dict[Key, Any] = field(default_factory=dict)
    lazy: dict[Key, Callable[[], Any]] = field(default_factory=dict)
    funcs: dict[str, WorldFunction] = field(default_factory=dict)
    free: dict[str, tuple[int, ...]] = field(default_factory=dict)
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    labels: dict[str, int] = field(default_factory=dict)
    sup_indexed: set[str] = field(default_factory=set)
    aliases: dict[str, str] = field(default_factory=dict)
    step_alias: dict[str, tuple[str, tuple[str, ...], int]] = field(default_factory=dict)
    samples: list[tuple[float, dict[Key, Any]]] = field(default_factory=list)
    solutions: dict[Key, Any] = field(default_factory=dict)
    choices: set[Key] = field(default_factory=set)  # what the question leaves to the student (an initial buffer)
    facts: dict[str, Any] = field(default_factory=dict)  # what a message may quote (gamma, delta, ...)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.draw.seed)
        self.n = self.draw.size
        self.T = self.draw.horizon
        sigma, dsigma, gamma = ACTIVATIONS[self.draw.activation]
        self.sigma, self.dsigma, self.gamma = sigma, dsigma, gamma

    # ---------------------------------------------------------------- random objects
    def vector(self, n: int | None = None, scale: float = 1.0) -> np.ndarray:
        return scale * self.rng.standard_normal((n or self.n, 1))

    def matrix(self, rows: int | None = None, cols: int | None = None, scale: float = 1.0) -> np.ndarray:
        rows = rows or self.n
        return scale * self.rng.standard_normal((rows, cols or rows)) / np.sqrt(max(cols or rows, 1))

    def scalar(self, low: float = 0.1, high: float = 0.9) -> float:
        return float(self.rng.uniform(low, high))

    # ---------------------------------------------------------------- bindings
    def let(self, name: str, value: Any, *index: Any) -> Any:
        """Bind `name_index` and return the value actually bound (overridden when a rebuild asks)."""
        key = (name, tuple(index))
        if key in self.overrides:
            how, delta = self.overrides[key]
            value = value + delta if how == "add" else delta
        self.values[key] = value
        return value

    def later(self, name: str, fn: Callable[[], Any], *index: Any) -> None:
        """Bind a value computed on first use (costly references: torch.autograd)."""
        self.lazy[(name, tuple(index))] = fn

    def dynamic(self, name: str, fn: Callable[[Any], Any], *index: Any) -> None:
        """Bind a value computed at evaluation time from the evaluator (its free indices, its instance)."""
        self.values[(name, tuple(index))] = Dynamic(fn)

    def fn(self, name: str, fn: Callable[..., Any], raw: bool = False) -> None:
        self.funcs[name] = WorldFunction(fn, raw)

    def activation(self) -> None:
        """sigma, sigma', D sigma (diagonal Jacobians for vectors) and sigma^{-1} where it exists."""
        sig, dsig = self.sigma, self.dsigma
        self.fn("sigma", sig)
        self.fn("sigma'", lambda x: _diag_or_scalar(dsig(np.asarray(x, float))))
        self.fn("Dsigma", lambda x: _diag_or_scalar(dsig(np.asarray(x, float))))
        inverse = INVERSES.get(self.draw.activation)
        if inverse is not None:
            self.fn("sigma^-1", inverse)

    def free_index(self, name: str, values: Iterable[int]) -> None:
        """A letter the student uses as a free index (t, T, i): statements are checked at each value."""
        self.free[name] = tuple(values)

    def index_range(self, name: str, low: int, high: int) -> None:
        """Bounds of \\sum_i / \\max_i written without bounds."""
        self.ranges[name] = (low, high)

    def label(self, text: str, index: int) -> None:
        self.labels[text] = index

    def superscript_index(self, *names: str) -> None:
        """Names whose superscript is a time index (theta^{t+1}, v'^t), not a power."""
        self.sup_indexed.update(names)

    def alias(self, student: str, world: str) -> None:
        self.aliases[student] = world

    def current(self, name: str, target: str, indices: Sequence[str], default: int) -> None:
        """An unindexed `name` means `target` at the current value of the first bound free index."""
        self.step_alias[name] = (target, tuple(indices), default)

    def expectation(self, samples: Sequence[Mapping[Key, Any]], weights: Sequence[float] | None = None) -> None:
        """The randomness of E[.]: weighted replacements of keys; moment-matched so that E is exact
        for polynomials of degree two (means, variances, covariances)."""
        w = list(weights) if weights is not None else [1.0 / len(samples)] * len(samples)
        self.samples = [(wk, dict(s)) for wk, s in zip(w, samples)]

    def choice(self, name: str, *index: Any) -> None:
        """A quantity the question leaves to the student to choose (an initial condition, a convention's
        starting value) that this world fixes one way: `name_index = ...` as a whole statement is then a
        choice, skipped and counted, never reported false. Prefer a world in which the question's conditions
        hold (so that a right choice holds and a wrong one fails) wherever the question decides the value."""
        self.choices.add((name, tuple(index)))

    def solution(self, name: str, value: Any, *index: Any) -> None:
        """The value a free argument takes where an equation is solved (x where the gradient is 0)."""
        self.solutions[(name, tuple(index))] = value


def _diag_or_scalar(d: np.ndarray) -> Any:
    if d.size == 1:
        return float(d.reshape(()))
    return np.diag(d.ravel())


def moment_matched(dim: int, rng: np.random.Generator) -> np.ndarray:
    """2*dim points with mean exactly 0 and covariance exactly I (a rotated, scaled cross)."""
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    pts = np.sqrt(dim) * q.T  # rows are the points; sum of outer products is dim * I
    return np.concatenate([pts, -pts], axis=0)


class Instance:
    """One draw of a world, with rebuilt copies for overridden keys (cached: derivatives ask many times)."""

    def __init__(self, world: World, draw: Draw, overrides: Mapping[Key, tuple[str, Any]] | None = None) -> None:
        self.world = world
        self.draw = draw
        self.scope = Scope(draw, dict(overrides or {}))
        world.build(self.scope)
        self._cache: dict[Any, Instance] = {}
        self._samples: list[tuple[float, Instance]] | None = None

    def sample_instances(self) -> list[tuple[float, Instance]]:
        """The weighted rebuilds that E[.] averages over (built once per instance)."""
        if self._samples is None:
            base = dict(self.scope.overrides)
            self._samples = []
            for w, repl in self.scope.samples:
                merged = dict(base)
                merged.update({k: ("set", v) for k, v in repl.items()})
                self._samples.append((w, Instance(self.world, self.draw, merged)))
        return self._samples

    def value(self, key: Key) -> Any:
        s = self.scope
        if key in s.values:
            return s.values[key]
        if key in s.lazy:
            s.values[key] = s.lazy[key]()
            return s.values[key]
        raise KeyError(key)

    def has(self, key: Key) -> bool:
        return key in self.scope.values or key in self.scope.lazy

    def rebuilt(self, overrides: Mapping[Key, tuple[str, Any]]) -> Instance:
        merged = dict(self.scope.overrides)
        merged.update(overrides)
        tag = tuple(sorted((k, how, _hashable(v)) for k, (how, v) in overrides.items()))
        if tag not in self._cache:
            if len(self._cache) > 512:
                self._cache.clear()
            self._cache[tag] = Instance(self.world, self.draw, merged)
        return self._cache[tag]


def _hashable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return (v.shape, v.tobytes())
    return v


@dataclass(frozen=True)
class World:
    """A question's world: a build function and the independent draws it is checked in."""

    name: str
    build: Callable[[Scope], None]
    draws: tuple[Draw, ...]
    tolerance: float = 1e-6  # relative tolerance of equalities; worlds with sampled expectations loosen it
    description: str = ""

    def instances(self, count: int | None = None) -> list[Instance]:
        draws = self.draws if count is None else self.draws[:max(1, count)]
        return [Instance(self, d) for d in draws]


def standard_draws(*, sizes: Sequence[int] = (3, 4, 2), activations: Sequence[str] = ("tanh", "relu", "tanh"),
                   horizon: int = 5, seed: int = 0, options: tuple[tuple[str, Any], ...] = ()) -> tuple[Draw, ...]:
    """Independent draws with different sizes, seeds and activations (one of them non-invertible)."""
    return tuple(Draw(seed=seed * 100 + k + 1, size=n, activation=a, horizon=horizon, options=options)
                 for k, (n, a) in enumerate(zip(sizes, activations)))


def handout_module(world_file: str, relative: str) -> ModuleType:
    """The public handout module a private world builds on (`HANDOUT`, a path under reference/), imported by path
    and named as the course names reference modules, once per process: the world and a pack take the same one."""
    path = Path(world_file).resolve().parents[1] / relative
    name = "grader_course_reference." + ".".join(Path(relative).with_suffix("").parts)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
