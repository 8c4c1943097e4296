#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""ipoc fuzz: a fuzzing campaign on this machine (`ipoc fuzz`, `make fuzz`).

usage: ipoc fuzz TARGET|all [--fuzzer libfuzzer|afl] [--time S] [--jobs N]
                 [--engine PATH] [--out DIR] [--keep-work]
       ipoc fuzz --list

TARGET is a row of fuzz_targets in fuzz/meson.build (`parse_keys`, or
`fuzz_parse_keys`); `all` runs every target, one after the other, S seconds
each.

  1. Builds the fuzz build folder if needed, beside build/ in the source
     tree: build-fuzz-libfuzzer (clang, -Dfuzzing=libfuzzer, ASan+UBSan),
     or build-fuzz-afl (afl-clang-fast, -Dfuzzing=afl, ASan+UBSan) and
     build-fuzz-afl-cmplog (the same with AFL_LLVM_CMPLOG=1); only the
     target and the reference engine are compiled.
  2. Runs the campaign for S seconds (default 60) on N cores (default 1):
     libFuzzer -fork=N, crashes kept and the campaign going on; AFL++ one
     -M instance and N-1 -S instances, each with its own power schedule,
     the first -S (the -M when N is 1) with the CMPLOG build. Seeds:
     fuzz/corpus/TARGET/, fuzz/regress/TARGET/ and the corpus of earlier
     campaigns. The dictionary and max_len come from fuzz/TARGET.dict and
     fuzz/TARGET.options. One progress line: execs/s, coverage, corpus,
     crashes. Ctrl-C ends the fuzzing early; the steps below still run.
  3. Minimizes the corpus (libFuzzer -merge=1, afl-cmin) into
     OUT/TARGET/corpus/ (OUT: fuzz-campaigns/ in the source tree).
  4. Runs every crash again alone, reads its signature (the
     `ipoc-fuzz: SIGNATURE` line a target's oracle prints first, else the
     sanitizer's error and first frame outside the runtimes), keeps the
     smallest crash per signature, minimizes it (libFuzzer
     -minimize_crash=1, afl-tmin; kept only when it still gives the same
     signature) and files it as OUT/TARGET/crashes/SLUG with SLUG.txt
     beside it (signature, how to reproduce, the crash's report). A
     signature already filed keeps the smaller reproducer. Hangs are kept
     in OUT/TARGET/hangs/.

--engine PATH fuzzes that engine instead of the bundled reference
(IPOC_FUZZ_ENGINE): it must carry the coverage instrumentation of the
fuzzer (libFuzzer: SanitizerCoverage inline counters, from
-fsanitize=fuzzer-no-link; AFL++: afl-clang-fast's), read from its dynamic
symbol table; an engine without it is refused (exit 3), since the fuzzer
would be blind inside it.

Exit: 0 no crash; 1 crashes (filed), or a build that failed; 2 usage;
3 the engine was refused or did not load.
"""
import argparse
import configparser
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ_DIR = os.path.join(ROOT, "fuzz")

EXIT_OK, EXIT_CRASHES, EXIT_USAGE, EXIT_ENGINE = 0, 1, 2, 3

# Sanitizers stop at the first error and abort, so that AFL++ sees a crash
# (it watches for signals) and libFuzzer files one.
SAN_ENV = {
    "ASAN_OPTIONS": "abort_on_error=1:symbolize=0:detect_leaks=0:allocator_may_return_null=1:"
                    "detect_odr_violation=0",
    "UBSAN_OPTIONS": "halt_on_error=1:abort_on_error=1:print_stacktrace=1:symbolize=0",
}
# Running one crash again: frames with names, leaks looked for.
REPRO_ENV = {
    "ASAN_OPTIONS": "abort_on_error=1:symbolize=1:detect_leaks=1:allocator_may_return_null=1:"
                    "detect_odr_violation=0",
    "UBSAN_OPTIONS": "halt_on_error=1:abort_on_error=1:print_stacktrace=1:symbolize=1",
}

# AFL++'s compiler takes the list of code left out of coverage
# (fuzz/coverage-ignore.txt; clang's flag for it, which meson gives the
# libFuzzer build, it drops) from its environment, so the build's compiler
# command carries it.
_DENY = "AFL_LLVM_DENYLIST=" + os.path.join(ROOT, "fuzz", "coverage-ignore.txt")
BUILDS = {
    "libfuzzer": ("build-fuzz-libfuzzer", "clang", "clang++", ["-Dfuzzing=libfuzzer"]),
    "afl": ("build-fuzz-afl", f"env {_DENY} afl-clang-fast", f"env {_DENY} afl-clang-fast++",
            ["-Dfuzzing=afl"]),
    "afl-cmplog": ("build-fuzz-afl-cmplog", f"env AFL_LLVM_CMPLOG=1 {_DENY} afl-clang-fast",
                   f"env AFL_LLVM_CMPLOG=1 {_DENY} afl-clang-fast++", ["-Dfuzzing=afl"]),
}
BUILD_COMMON = ["-Db_sanitize=address,undefined", "-Db_lundef=false", "-Dtests=false"]
REF_ENGINE = "engine/ref/libipoc_ref.so"

# Power schedules of the -S instances, in turn (the -M keeps AFL++'s default).
AFL_SCHEDULES = ["explore", "coe", "exploit", "rare", "lin", "quad", "mmopt", "seek"]

EXEC_TIMEOUT_S = 10


def say(msg):
    print(f"ipoc fuzz: {msg}", flush=True)


def rel(path):
    """A path as the user gives it from the source tree, else absolute."""
    r = os.path.relpath(path, ROOT)
    return path if r.startswith("..") else r


class Failure(Exception):
    def __init__(self, msg, code=EXIT_CRASHES):
        super().__init__(msg)
        self.code = code


# ---------------------------------------------------------------- builds

def build_dir(kind):
    return os.path.join(ROOT, BUILDS[kind][0])


def configure(kind):
    d = build_dir(kind)
    if os.path.exists(os.path.join(d, "build.ninja")):
        # Configured: brought up to date with the meson files (a target
        # added to fuzz/meson.build since).
        p = subprocess.run(["ninja", "-C", d, "build.ninja"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, errors="replace")
        if p.returncode != 0:
            raise Failure(f"reconfiguring {BUILDS[kind][0]} failed:\n{p.stdout[-3000:]}")
        return d
    name, cc, cxx, opts = BUILDS[kind]
    for tool in (cc.split()[-1], "meson", "ninja"):
        if not shutil.which(tool):
            raise Failure(f"{tool} not found: run ci/install-deps (make deps)")
    say(f"setting up {name} (CC={cc})")
    env = dict(os.environ, CC=cc, CXX=cxx)
    p = subprocess.run(["meson", "setup", d] + opts + BUILD_COMMON, cwd=ROOT, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    if p.returncode != 0:
        shutil.rmtree(d, ignore_errors=True)
        raise Failure(f"meson setup {name} failed:\n{p.stdout[-3000:]}")
    return d


def targets_of(introspected):
    """The fuzz targets among a build's targets (`meson introspect
    --targets`): {name: executable path} for each executable fuzz_NAME built
    from fuzz/fuzz_NAME.c, the rows of fuzz_targets. Other programs of
    fuzz/ (seed generators such as fuzz_seeds_rx, the tests' fake target)
    are not targets. fuzz/oss-fuzz/build.sh uses this too."""
    found = {}
    for t in introspected:
        if t["type"] != "executable" or not t["name"].startswith("fuzz_"):
            continue
        sources = [s for ts in t.get("target_sources", []) for s in ts.get("sources", [])]
        own = os.path.join("fuzz", t["name"] + ".c")
        if any(os.path.normpath(s).endswith(os.sep + own) for s in sources):
            found[t["name"][len("fuzz_"):]] = t["filename"][0]
    return found


def fuzz_targets(kind):
    """The fuzz targets of a configured build: {name: executable path}."""
    d = configure(kind)
    p = subprocess.run(["meson", "introspect", d, "--targets"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise Failure(f"meson introspect {d}: {p.stderr.strip()}")
    return targets_of(json.loads(p.stdout))


def build(kind, targets):
    """Builds the targets' executables and the reference engine; returns
    {target: executable}."""
    d = configure(kind)
    exes = fuzz_targets(kind)
    wanted = [os.path.relpath(exes[t], d) for t in targets] + [REF_ENGINE]
    p = subprocess.run(["ninja", "-C", d] + wanted, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace")
    if p.returncode != 0:
        raise Failure(f"building {BUILDS[kind][0]} failed:\n{p.stdout[-4000:]}")
    return {t: exes[t] for t in targets}


# ---------------------------------------------------------------- engines

def dynamic_symbols(path):
    for nm in ("nm", "llvm-nm"):
        if shutil.which(nm):
            p = subprocess.run([nm, "-D", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, errors="replace")
            if p.returncode != 0:
                return None
            return {line.split()[-1] for line in p.stdout.splitlines() if line.split()}
    raise Failure("nm not found (binutils): run ci/install-deps", EXIT_ENGINE)


def instrumentation(path):
    """What an engine's dynamic symbol table says of it: a dict with
    'libfuzzer' (SanitizerCoverage inline 8-bit counters, the
    -fsanitize=fuzzer-no-link kind libFuzzer reads), 'afl' (afl-clang-fast's
    coverage map), 'cmplog' and 'asan'; None when the file is not a shared
    object nm can read."""
    syms = dynamic_symbols(path)
    if syms is None:
        return None
    afl = "__afl_area_ptr" in syms or any(s.startswith("__afl_") for s in syms)
    return {
        "afl": afl,
        "libfuzzer": not afl and "__sanitizer_cov_8bit_counters_init" in syms,
        "cmplog": "__afl_cmp_map" in syms or "__cmplog_ins_hook1" in syms,
        "asan": any(s.startswith("__asan_") for s in syms),
    }


def check_engine(path, fuzzer):
    """None when the engine can be fuzzed with that fuzzer, else why not
    (one message, with what to do)."""
    if not os.path.isfile(path):
        return f"engine {path}: no such file"
    ins = instrumentation(path)
    if ins is None:
        return f"engine {path}: not a shared object (nm -D cannot read its dynamic symbols)"
    how = ("clang -fsanitize=fuzzer-no-link,address -shared -fPIC" if fuzzer == "libfuzzer"
           else "CC=afl-clang-fast with -fsanitize=address -shared -fPIC")
    if fuzzer == "libfuzzer" and not ins["libfuzzer"]:
        if ins["afl"]:
            return (f"engine {path} carries AFL++ instrumentation (afl-clang-fast), not libFuzzer's: "
                    f"fuzz it with --fuzzer afl, or rebuild it with {how}")
        return (f"engine {path} carries no coverage instrumentation "
                f"(no __sanitizer_cov_8bit_counters_init in its dynamic symbols): libFuzzer would "
                f"fuzz it blind. Rebuild it with {how} (fuzz/README.md, 'Vendor engines')")
    if fuzzer == "afl" and not ins["afl"]:
        if ins["libfuzzer"]:
            return (f"engine {path} carries libFuzzer's instrumentation (-fsanitize=fuzzer-no-link), "
                    f"not AFL++'s: fuzz it with --fuzzer libfuzzer, or rebuild it with {how}")
        return (f"engine {path} carries no coverage instrumentation "
                f"(no __afl_area_ptr in its dynamic symbols): AFL++ would fuzz it blind. "
                f"Rebuild it with {how} (fuzz/README.md, 'Vendor engines')")
    return None


# ---------------------------------------------------------------- signatures

# Frames of the sanitizer and fuzzer runtimes, libc's abort path and the
# oracle helpers: the first frame that is none of these is where it happened.
RUNTIME_FRAME = re.compile(
    r"^(__asan|__ubsan|__sanitizer|__interceptor_|__lsan|___interceptor_|__interception|"
    r"fuzzer::|__afl|afl_|abort$|raise$|__GI_|__libc_|__pthread_kill|pthread_kill|gsignal$|"
    r"malloc$|calloc$|realloc$|free$|strdup$|operator\b|"
    r"fz_fault$|fz_check_rc$|fz_check_nbl$|__assert_fail|__assert_fail_base|"
    r"mem(cpy|move|set|cmp)$|str\w*$)")
FRAME = re.compile(r"^\s*#\d+\s+0x[0-9a-fA-F]+\s+in\s+(\S+)")


def _first_frame(lines):
    """The function of the first frame outside the runtimes, of the first
    stack in lines."""
    for line in lines:
        m = FRAME.match(line)
        if m and not RUNTIME_FRAME.match(m.group(1)):
            return m.group(1)
    return None


def _norm(msg):
    msg = re.sub(r"'[^']*'", "T", msg)
    msg = re.sub(r"0x[0-9a-fA-F]+|-?\b\d+\b", "N", msg)
    return re.sub(r"\s+", " ", msg).strip()


def signature(text, rc):
    """The signature of one run's crash from its stderr (and exit code),
    or None when it ran clean. A target's oracle speaks first; else the
    sanitizer's error kind and its first frame outside the runtimes."""
    lines = text.splitlines()
    for line in lines:
        if line.startswith("ipoc-fuzz: ") and rc != 0:
            return line[len("ipoc-fuzz: "):].strip()
    for i, line in enumerate(lines):
        m = re.search(r"ERROR: (AddressSanitizer|LeakSanitizer|MemorySanitizer|ThreadSanitizer):\s*"
                      r"([\w-]+)", line)
        if m:
            kind = m.group(2)
            rest = lines[i + 1:]
            if m.group(1) == "LeakSanitizer":
                return f"LeakSanitizer: leak allocated in {_first_frame(rest) or '?'}"
            access = ""
            if rest and re.match(r"^(READ|WRITE) of size", rest[0]):
                access = f" ({rest[0].split()[0]})"
            f = _first_frame(rest)
            return f"{m.group(1)}: {kind}{access} in {f or '?'}"
        m = re.search(r"runtime error: (.*)", line)
        if m:
            f = _first_frame(lines[i + 1:])
            where = f or os.path.basename(line.split(":", 1)[0])
            return f"UndefinedBehaviorSanitizer: {_norm(m.group(1))} in {where}"
        m = re.search(r"ERROR: libFuzzer: ([\w -]+?)(?: \(|$)", line)
        if m:
            what = m.group(1).strip()
            if "timeout" in what:
                return "timeout"
            f = _first_frame(lines[i + 1:])
            return f"libFuzzer: {what} in {f or '?'}"
        if line.startswith("ALARM: working on the last Unit"):
            return "timeout"
    if rc == 0:
        return None
    if rc < 0:
        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = f"signal {-rc}"
        f = _first_frame(lines)
        return f"{name}" + (f" in {f}" if f else "")
    return f"exit {rc}"


def slug(sig):
    s = re.sub(r"[^a-z0-9]+", "-", sig.lower()).strip("-")[:72].strip("-")
    return f"{s}-{hashlib.sha1(sig.encode()).hexdigest()[:8]}"


# ---------------------------------------------------------------- inputs

def read_options(target, fuzz_dir=FUZZ_DIR):
    """The [libfuzzer] section of fuzz/TARGET.options, with the dictionary's
    path made absolute; fuzz/TARGET.dict when the file names none."""
    opts = {}
    path = os.path.join(fuzz_dir, f"{target}.options")
    if os.path.isfile(path):
        cp = configparser.ConfigParser()
        cp.read(path)
        if cp.has_section("libfuzzer"):
            opts = dict(cp.items("libfuzzer"))
    if "dict" in opts:
        opts["dict"] = os.path.join(fuzz_dir, opts["dict"])
    elif os.path.isfile(os.path.join(fuzz_dir, f"{target}.dict")):
        opts["dict"] = os.path.join(fuzz_dir, f"{target}.dict")
    return opts


def files_in(d):
    if not os.path.isdir(d):
        return []
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if not f.startswith(".") and os.path.isfile(os.path.join(d, f)))


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


def gather(dst, sources):
    """Copies the files of the source folders into dst, one per content
    (named by its SHA-1); returns how many."""
    os.makedirs(dst, exist_ok=True)
    seen = set()
    for d in sources:
        for f in files_in(d):
            h = digest(f)
            if h not in seen:
                seen.add(h)
                shutil.copyfile(f, os.path.join(dst, h))
    return len(seen)


# ---------------------------------------------------------------- progress

class Progress:
    """One line, rewritten in place on a terminal, else printed every 10 s."""

    def __init__(self, label, seconds):
        self.label, self.seconds = label, seconds
        self.start = time.monotonic()
        self.tty = sys.stdout.isatty()
        self.last_print = 0.0
        self.width = 0

    def show(self, text, final=False):
        el = time.monotonic() - self.start
        line = (f"{self.label} {int(el) // 60}:{int(el) % 60:02d}/"
                f"{self.seconds // 60}:{self.seconds % 60:02d}  {text}")
        if self.tty:
            pad = max(0, self.width - len(line))
            sys.stdout.write("\r" + line + " " * pad + ("\n" if final else ""))
            sys.stdout.flush()
            self.width = len(line)
        elif final or el - self.last_print >= 10:
            print(line, flush=True)
            self.last_print = el


def _stop(procs):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 15
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


# ---------------------------------------------------------------- libFuzzer

def libfuzzer_flags(opts):
    return [f"-{k}={v}" for k, v in sorted(opts.items())]


def run_libfuzzer(exe, seeds, work, seconds, jobs, opts, env):
    """A -fork=jobs campaign: new inputs in work/corpus, crashes in
    work/artifacts. Returns (corpus dirs, stats)."""
    corpus, arts = os.path.join(work, "corpus"), os.path.join(work, "artifacts")
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(arts, exist_ok=True)
    flags = {"timeout": str(EXEC_TIMEOUT_S), "rss_limit_mb": "2560"}
    flags.update(opts)
    argv = ([exe, f"-fork={jobs}", "-ignore_crashes=1", "-ignore_timeouts=1", "-ignore_ooms=1",
             f"-max_total_time={seconds}", f"-artifact_prefix={arts}/", "-print_final_stats=1"]
            + libfuzzer_flags(flags) + [corpus] + [s for s in seeds if files_in(s)])
    stats = {"execs": 0, "cov": 0, "ft": 0, "corpus": 0}
    prog = Progress(f"[libfuzzer x{jobs}]", seconds)
    log = open(os.path.join(work, "libfuzzer.log"), "w")
    p = subprocess.Popen(argv, stdout=log, stderr=subprocess.PIPE, text=True, errors="replace",
                         env=env, start_new_session=True)
    last = {"t": time.monotonic(), "execs": 0, "rate": 0}

    def reader():
        for line in p.stderr:
            log.write(line)
            m = re.match(r"#(\d+):? .*?cov: (\d+) ft: (\d+) corp: (\d+)", line)
            if m:
                ex = int(m.group(1))
                now = time.monotonic()
                if now - last["t"] >= 1:
                    last["rate"] = int((ex - last["execs"]) / (now - last["t"]))
                    last["t"], last["execs"] = now, ex
                stats.update(execs=ex, cov=int(m.group(2)), ft=int(m.group(3)),
                             corpus=int(m.group(4)))

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    interrupted = False
    try:
        while p.poll() is None:
            time.sleep(1)
            crashes = len([f for f in os.listdir(arts) if not f.startswith("timeout-")])
            prog.show(f"{last['rate']:,} exec/s  cov {stats['cov']}  ft {stats['ft']}  "
                      f"corpus {stats['corpus']}  crashes {crashes}")
            if time.monotonic() - prog.start > seconds + 120:
                _stop([p])
    except KeyboardInterrupt:
        interrupted = True
        _stop([p])
    th.join(timeout=5)
    log.close()
    el = max(1e-9, time.monotonic() - prog.start)
    stats["rate"] = int(stats["execs"] / el)
    crashes = len([f for f in os.listdir(arts) if not f.startswith("timeout-")])
    prog.show(f"{stats['rate']:,} exec/s (mean)  cov {stats['cov']}  ft {stats['ft']}  "
              f"corpus {stats['corpus']}  crashes {crashes}", final=True)
    if p.returncode not in (0, None) and not interrupted and not stats["execs"]:
        raise Failure(f"libFuzzer ended with exit {p.returncode} before fuzzing: "
                      f"see {os.path.join(work, 'libfuzzer.log')}")
    stats["interrupted"] = interrupted
    return stats


def libfuzzer_merge(exe, out, sources, work, env):
    os.makedirs(out, exist_ok=True)
    p = subprocess.run([exe, "-merge=1", f"-artifact_prefix={work}/merge-",
                        f"-timeout={EXEC_TIMEOUT_S}", out] + [s for s in sources if files_in(s)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace", env=env)
    with open(os.path.join(work, "merge.log"), "w") as f:
        f.write(p.stdout)
    return p.returncode == 0


def libfuzzer_crashes(work):
    arts = os.path.join(work, "artifacts")
    crashes = [f for f in files_in(arts) if not os.path.basename(f).startswith("timeout-")]
    hangs = [f for f in files_in(arts) if os.path.basename(f).startswith("timeout-")]
    return crashes, hangs


def libfuzzer_minimize(exe, src, dst, env, seconds):
    # Each step of -minimize_crash fuzzes until it finds a smaller crash:
    # -runs bounds the step that finds none.
    subprocess.run([exe, "-minimize_crash=1", f"-max_total_time={seconds}", "-runs=20000",
                    f"-timeout={EXEC_TIMEOUT_S}", f"-exact_artifact_path={dst}", src],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                   timeout=seconds + 120)
    return os.path.isfile(dst)


# ---------------------------------------------------------------- AFL++

def afl_instances(jobs):
    """[(name, -M/-S, power schedule or None, with cmplog)]."""
    out = [("main", "-M", None, jobs == 1)]
    for i in range(1, jobs):
        out.append((f"s{i}", "-S", AFL_SCHEDULES[(i - 1) % len(AFL_SCHEDULES)], i == 1))
    return out


def read_stats(path):
    st = {}
    try:
        with open(path) as f:
            for line in f:
                k, _, v = line.partition(":")
                st[k.strip()] = v.strip()
    except OSError:
        pass
    return st


class StatsdSink:
    """Where one afl-fuzz instance sends its statistics every second
    (AFL_STATSD; its fuzzer_stats file is written once a minute)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.values = {}

    def poll(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                return self.values
            for line in data.decode("ascii", "replace").splitlines():
                m = re.match(r"\s*fuzzing\.(\w+):([\d.]+)\|", line)
                if m:
                    self.values[m.group(1)] = float(m.group(2))

    def close(self):
        self.sock.close()


def run_afl(exe, cmplog_exe, seeds, work, seconds, jobs, opts, env):
    """One -M and jobs-1 -S afl-fuzz instances for seconds, in work/afl."""
    inp, out = os.path.join(work, "in"), os.path.join(work, "afl")
    if gather(inp, seeds) == 0:
        with open(os.path.join(inp, "empty"), "wb") as f:
            f.write(b"\0")
    env = dict(env, AFL_NO_UI="1", AFL_SKIP_CPUFREQ="1", AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES="1",
               AFL_TRY_AFFINITY="1", AFL_SKIP_CRASHES="1", AFL_NO_WARN_INSTABILITY="1",
               AFL_STATSD="1", AFL_STATSD_HOST="127.0.0.1")
    common = ["-i", inp, "-o", out, "-V", str(seconds), "-m", "none",
              "-t", str(int(opts.get("timeout", EXEC_TIMEOUT_S)) * 1000)]
    if "dict" in opts:
        common += ["-x", opts["dict"]]
    if "max_len" in opts:
        common += ["-G", str(opts["max_len"])]
    procs, names, sinks = [], [], []
    for name, role, sched, cmplog in afl_instances(jobs):
        argv = ["afl-fuzz", role, name] + common
        if sched:
            argv += ["-p", sched]
        if cmplog:
            argv += ["-c", cmplog_exe, "-l", "2"]
        argv += ["--", exe]
        sink = StatsdSink()
        log = open(os.path.join(work, f"afl-{name}.log"), "w")
        procs.append(subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                      env=dict(env, AFL_STATSD_PORT=str(sink.port)),
                                      start_new_session=True))
        names.append(name)
        sinks.append(sink)
    prog = Progress(f"[afl x{jobs}]", seconds)
    interrupted = False
    prev = (time.monotonic(), 0)
    rate = 0

    def sample(final=False):
        st = dict(execs=0, crashes=0, hangs=0, edges=0, total=0, corpus=0)
        for n, sink in zip(names, sinks):
            v = sink.poll()
            if final:
                # The instance's last word, written as it ended.
                f = read_stats(os.path.join(out, n, "fuzzer_stats"))
                v = {k: float(f[k].rstrip("%")) for k in
                     ("execs_done", "saved_crashes", "saved_hangs", "edges_found", "total_edges",
                      "corpus_count") if k in f} or v
            st["execs"] += int(v.get("execs_done", 0))
            st["crashes"] += int(v.get("saved_crashes", 0))
            st["hangs"] += int(v.get("saved_hangs", 0))
            st["edges"] = max(st["edges"], int(v.get("edges_found", 0)))
            st["total"] = max(st["total"], int(v.get("total_edges", 0)))
            st["corpus"] = max(st["corpus"], int(v.get("corpus_count", 0)))
        return st

    def shown(st, r):
        return (f"{r:,} exec/s  edges {st['edges']}" + (f"/{st['total']}" if st["total"] else "")
                + f"  corpus {st['corpus']}  crashes {st['crashes']}  hangs {st['hangs']}")

    try:
        while any(p.poll() is None for p in procs):
            time.sleep(1)
            st = sample()
            now = time.monotonic()
            if now - prev[0] >= 2:
                rate = int(max(0, st["execs"] - prev[1]) / (now - prev[0]))
                prev = (now, st["execs"])
            prog.show(shown(st, rate))
            if now - prog.start > seconds + 120:
                _stop(procs)
    except KeyboardInterrupt:
        interrupted = True
        _stop(procs)
    for p in procs:
        p.wait()
    stats = sample(final=True)
    for sink in sinks:
        sink.close()
    el = max(1e-9, time.monotonic() - prog.start)
    stats["rate"] = int(stats["execs"] / el)
    prog.show(shown(stats, stats["rate"]).replace(" exec/s", " exec/s (mean)", 1), final=True)
    if not stats["execs"] and not interrupted:
        logs = os.path.join(work, "afl-main.log")
        tail = open(logs, errors="replace").read()[-2000:] if os.path.exists(logs) else ""
        raise Failure(f"afl-fuzz did not fuzz (see {logs}):\n{tail}")
    stats["interrupted"] = interrupted
    return stats


def afl_crashes(work):
    out = os.path.join(work, "afl")
    crashes, hangs = [], []
    if os.path.isdir(out):
        for n in sorted(os.listdir(out)):
            crashes += [f for f in files_in(os.path.join(out, n, "crashes"))
                        if os.path.basename(f).startswith("id:")]
            hangs += [f for f in files_in(os.path.join(out, n, "hangs"))
                      if os.path.basename(f).startswith("id:")]
    return crashes, hangs


def afl_queues(work):
    out = os.path.join(work, "afl")
    if not os.path.isdir(out):
        return []
    return [os.path.join(out, n, "queue") for n in sorted(os.listdir(out))
            if os.path.isdir(os.path.join(out, n, "queue"))]


def afl_cmin(exe, out, sources, work, env):
    flat = os.path.join(work, "cmin-in")
    if gather(flat, sources) == 0:
        return False
    # afl-cmin refuses folders under /tmp (where another user could have
    # planted its fixed file names): these are folders the campaign made.
    env = dict(env, AFL_ALLOW_TMP="1", **AFL_DEFER)
    p = subprocess.run(["afl-cmin", "-i", flat, "-o", out, "-m", "none",
                        "-t", str(EXEC_TIMEOUT_S * 1000), "--", exe],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       errors="replace", env=env, cwd=work)
    with open(os.path.join(work, "cmin.log"), "w") as f:
        f.write(p.stdout)
    shutil.rmtree(flat, ignore_errors=True)
    return p.returncode == 0 and bool(files_in(out))


def afl_minimize(exe, src, dst, env, seconds):
    try:
        subprocess.run(["afl-tmin", "-i", src, "-o", dst, "-m", "none",
                        "-t", str(EXEC_TIMEOUT_S * 1000), "--", exe],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=dict(env, **AFL_DEFER),
                       timeout=seconds + 60)
    except subprocess.TimeoutExpired:
        return False
    return os.path.isfile(dst)


# ---------------------------------------------------------------- crashes

# An AFL++ build run outside afl-fuzz starts its fork server as the
# program starts, unless told it is deferred (afl-fuzz tells it so when
# it sees __AFL_INIT in the binary): the engine the target dlopens before
# __AFL_INIT would then come too late ("an instrumented dlopen() library
# loaded afterwards"). Every AFL++ tool and every run of one alone gets it.
AFL_DEFER = {"__AFL_DEFER_FORKSRV": "1"}


def reproduce(fuzzer, exe, path, env):
    """(signature or None, stderr) of one input run alone."""
    env = dict(env, **REPRO_ENV)
    if fuzzer == "afl":
        env.update(AFL_DEFER)
    try:
        if fuzzer == "afl":
            with open(path, "rb") as f:
                p = subprocess.run([exe], stdin=f, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, env=env, timeout=60)
        else:
            p = subprocess.run([exe, f"-timeout={EXEC_TIMEOUT_S}", path], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=env, timeout=60)
    except subprocess.TimeoutExpired:
        return "timeout", ""
    err = p.stderr.decode("utf-8", "replace")
    m = re.search(r"^\[-\] (?:\x1b\[[0-9;]*m)*FATAL: ?(.*)$", err, re.M)
    if m:
        raise Failure(f"{exe} does not run alone: {m.group(1).strip()}")
    return signature(err, p.returncode), err


def file_crashes(target, fuzzer, exe, raw, dest, env, engine, minimize_s=60):
    """Raw crash files -> one minimized reproducer per signature in dest.
    Returns [(signature, slug, 'new'|'smaller'|'known', size)]."""
    os.makedirs(dest, exist_ok=True)
    by_sig = {}
    unrepro = []
    for f in raw:
        sig, err = reproduce(fuzzer, exe, f, env)
        if sig is None:
            unrepro.append(f)
            continue
        size = os.path.getsize(f)
        if sig not in by_sig or size < by_sig[sig][1]:
            by_sig[sig] = (f, size, err)
    filed = []
    for sig, (f, size, err) in sorted(by_sig.items()):
        s = slug(sig)
        best, best_err = f, err
        tmp = os.path.join(dest, f".{s}.min")
        if os.path.exists(tmp):
            os.unlink(tmp)
        minimized = (libfuzzer_minimize if fuzzer == "libfuzzer" else afl_minimize)(
            exe, f, tmp, dict(env, **SAN_ENV), minimize_s)
        if minimized and os.path.getsize(tmp) < size:
            msig, merr = reproduce(fuzzer, exe, tmp, env)
            if msig == sig:
                best, best_err = tmp, merr
        final = os.path.join(dest, s)
        new_size = os.path.getsize(best)
        if os.path.exists(final):
            state = "smaller" if new_size < os.path.getsize(final) else "known"
        else:
            state = "new"
        if state != "known":
            shutil.copyfile(best, final)
            shown = rel(final)
            with open(final + ".txt", "w") as t:
                t.write(f"signature: {sig}\ntarget: {target}\nfuzzer: {fuzzer}\n")
                t.write(f"engine: {engine or 'bundled reference'}\n")
                t.write(f"size: {new_size} bytes (found at {size})\n")
                t.write(f"reproduce: ./build/fuzz/fuzz_{target} {shown}\n")
                t.write(f"           {rel(exe)} {'<' if fuzzer == 'afl' else ''}{shown}\n")
                if engine:
                    t.write(f"           (with IPOC_FUZZ_ENGINE={engine})\n")
                t.write(f"fixed: move it to fuzz/regress/{target}/{s}\n\n")
                t.write("\n".join(best_err.splitlines()[:80]) + "\n")
        if os.path.exists(tmp):
            os.unlink(tmp)
        filed.append((sig, s, state, new_size))
    for f in unrepro:
        d = os.path.join(dest, "unreproducible")
        os.makedirs(d, exist_ok=True)
        shutil.copyfile(f, os.path.join(d, digest(f)))
    return filed, len(unrepro)


# ---------------------------------------------------------------- campaign

def campaign(target, args, exes, cmplog_exe, env):
    out = os.path.join(args.out, target)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    work = os.path.join(out, "runs", f"{args.fuzzer}-{stamp}")
    os.makedirs(work)
    corpus = os.path.join(out, "corpus")
    seeds = [os.path.join(FUZZ_DIR, "corpus", target), os.path.join(FUZZ_DIR, "regress", target),
             corpus]
    nseeds = sum(len(files_in(s)) for s in seeds)
    opts = read_options(target)
    exe = exes[target]
    say(f"{target}: {args.fuzzer}, {args.time} s, {args.jobs} job(s), {nseeds} seed(s)"
        + (f", dictionary {rel(opts['dict'])}" if "dict" in opts else "")
        + (f", engine {args.engine}" if args.engine else "")
        + f"; work in {rel(work)}")
    fenv = dict(env, **SAN_ENV)
    if args.fuzzer == "libfuzzer":
        stats = run_libfuzzer(exe, seeds, work, args.time, args.jobs, opts, fenv)
        raw, hangs = libfuzzer_crashes(work)
        new_inputs = [os.path.join(work, "corpus")]
    else:
        stats = run_afl(exe, cmplog_exe, seeds, work, args.time, args.jobs, opts, fenv)
        raw, hangs = afl_crashes(work)
        new_inputs = afl_queues(work)

    # The corpus, minimized: what earlier campaigns kept, the seeds, what
    # this one found.
    before = len(files_in(corpus))
    merged = os.path.join(out, "corpus.new")
    shutil.rmtree(merged, ignore_errors=True)
    sources = new_inputs + seeds
    ok = (libfuzzer_merge(exe, merged, sources, work, fenv) if args.fuzzer == "libfuzzer"
          else afl_cmin(exe, merged, sources, work, fenv))
    if ok and files_in(merged):
        shutil.rmtree(corpus, ignore_errors=True)
        os.rename(merged, corpus)
        say(f"{target}: corpus minimized to {len(files_in(corpus))} inputs "
            f"({before} before this campaign) in {rel(corpus)}")
    else:
        shutil.rmtree(merged, ignore_errors=True)
        say(f"{target}: corpus not minimized (see {rel(work)}): kept as it was")

    # Hangs, kept as found.
    for h in hangs:
        d = os.path.join(out, "hangs")
        os.makedirs(d, exist_ok=True)
        shutil.copyfile(h, os.path.join(d, digest(h)))

    filed, unrepro = file_crashes(target, args.fuzzer, exe, raw, os.path.join(out, "crashes"),
                                  env, args.engine)
    for sig, s, state, size in filed:
        say(f"{target}: crash {state:7s} {rel(os.path.join(out, 'crashes', s))} "
            f"({size} bytes): {sig}")
    if unrepro:
        say(f"{target}: {unrepro} crash(es) did not crash again alone: "
            f"{rel(os.path.join(out, 'crashes', 'unreproducible'))}")
    if hangs:
        say(f"{target}: {len(hangs)} hang(s) in {rel(os.path.join(out, 'hangs'))}")
    line = (f"{target}: {stats.get('rate', 0):,} exec/s, "
            + (f"cov {stats.get('cov', 0)} ft {stats.get('ft', 0)}" if args.fuzzer == "libfuzzer"
               else f"edges {stats.get('edges', 0)}")
            + f", {len(raw)} crash file(s), {len(filed)} signature(s), {len(hangs)} hang(s)")
    with open(os.path.join(out, "campaigns.log"), "a") as f:
        f.write(f"{stamp} {args.fuzzer} {args.time}s x{args.jobs} "
                f"{args.engine or 'reference'}: {line}\n")
    if not args.keep_work:
        for sub in ("afl", "in", "corpus", "artifacts"):
            shutil.rmtree(os.path.join(work, sub), ignore_errors=True)
    say(line)
    return bool(filed) or unrepro > 0, stats.get("interrupted", False)


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="ipoc fuzz", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("target", nargs="?", help="a fuzz target, or all")
    ap.add_argument("--fuzzer", choices=["libfuzzer", "afl"], default="libfuzzer")
    ap.add_argument("--time", type=int, default=60, metavar="S", help="seconds per target (60)")
    ap.add_argument("--jobs", type=int, default=1, metavar="N", help="cores (1)")
    ap.add_argument("--engine", metavar="PATH", help="the engine under fuzz (an instrumented .so)")
    ap.add_argument("--out", metavar="DIR", default=os.path.join(ROOT, "fuzz-campaigns"),
                    help="campaign folder (fuzz-campaigns/ in the source tree)")
    ap.add_argument("--keep-work", action="store_true",
                    help="keep the fuzzers' own folders of each run")
    ap.add_argument("--list", action="store_true", help="list the targets")
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        raise SystemExit(EXIT_USAGE if e.code else 0)
    if not args.list and not args.target:
        ap.print_usage(sys.stderr)
        print("ipoc fuzz: a TARGET (or all) is needed; --list names them", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)
    if args.time < 1 or args.jobs < 1:
        print("ipoc fuzz: --time and --jobs must be at least 1", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)
    args.out = os.path.abspath(args.out)
    return args


def main(argv):
    args = parse_args(argv)
    env = dict(os.environ)
    try:
        if args.engine:
            args.engine = os.path.abspath(args.engine)
            why = check_engine(args.engine, args.fuzzer)
            if why:
                print(f"ipoc fuzz: {why}", file=sys.stderr)
                return EXIT_ENGINE
            if not instrumentation(args.engine)["asan"]:
                say(f"engine {args.engine} is not built with AddressSanitizer: memory errors "
                    f"inside it are seen only when they crash")
            env["IPOC_FUZZ_ENGINE"] = args.engine
        else:
            env.pop("IPOC_FUZZ_ENGINE", None)
        known = fuzz_targets(args.fuzzer)
        if args.list:
            for t in sorted(known):
                print(t)
            return EXIT_OK
        name = args.target[len("fuzz_"):] if args.target.startswith("fuzz_") else args.target
        if name == "all":
            targets = sorted(known)
        elif name in known:
            targets = [name]
        else:
            print(f"ipoc fuzz: no fuzz target '{args.target}' (targets: {', '.join(sorted(known))})",
                  file=sys.stderr)
            return EXIT_USAGE
        exes = build(args.fuzzer, targets)
        cmplog = build("afl-cmplog", targets) if args.fuzzer == "afl" else {}
        crashed = False
        for t in targets:
            # The engine loads and the target runs one input, before any
            # fuzzing: a fuzzer must not start blind or on a broken set-up.
            sig, err = preflight(args.fuzzer, exes[t], env)
            if sig == "engine":
                print(f"ipoc fuzz: {t}: the engine did not load:\n{err.strip()[-2000:]}",
                      file=sys.stderr)
                return EXIT_ENGINE
            c, interrupted = campaign(t, args, exes, cmplog.get(t), env)
            crashed |= c
            if interrupted:
                break
        return EXIT_CRASHES if crashed else EXIT_OK
    except Failure as e:
        print(f"ipoc fuzz: {e}", file=sys.stderr)
        return e.code
    except KeyboardInterrupt:
        print("\nipoc fuzz: interrupted", file=sys.stderr)
        return EXIT_CRASHES


def preflight(fuzzer, exe, env):
    """('engine', stderr) when the engine under fuzz does not load; the
    target then never starts its loop."""
    tmp = os.path.join(os.path.dirname(exe), ".ipoc-fuzz-preflight")
    with open(tmp, "wb") as f:
        f.write(b"")
    try:
        sig, err = reproduce(fuzzer, exe, tmp, env)
    finally:
        os.unlink(tmp)
    if sig is not None and re.search(r"^ipoc-fuzz: (engine |.*: (cannot open|undefined symbol))",
                                     err, re.M):
        return "engine", err
    if sig is not None and "undefined symbol" in err:
        return "engine", err
    return sig, err


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
