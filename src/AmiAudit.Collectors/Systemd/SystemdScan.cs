using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Systemd;

/// <summary>
/// One scan of one root: list, resolve states, load settings, walk the boot graph, evaluate conditions
/// and exec commands, build facts. Every step is linear in units and dependencies (the chain
/// benchmark, benchmarks/systemd-chain-bench.sh, keeps it so).
/// </summary>
internal sealed class SystemdScan(RootFileSystem fs)
{
    private const string Source = "systemd";
    private const string FallbackDefaultTarget = "graphical.target";

    private readonly UnitTree _tree = new(fs);
    private readonly Dictionary<string, (InstallError Error, InstallInfo? Info)> _discovered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LoadedUnit> _loaded = new(StringComparer.Ordinal);
    private InstallResolver? _resolver;
    private UnitLoader? _loader;
    private HashSet<string>? _fstabUnits;
    private ImageFacts? _image;
    private ConditionEvaluator? _conditions;
    private ExecCheck? _exec;

    public SystemdFacts Run()
    {
        if (!_tree.AnyUnitDirectory)
        {
            fs.Note(Source, "unavailable", "no systemd unit directory in the root (not a systemd image?)", null, "unavailable");
            return new SystemdFacts { Available = false };
        }
        _resolver = new InstallResolver(_tree);
        _image = ImageFacts.Read(_tree);
        var probe = new PathProbe(_tree);
        _conditions = new ConditionEvaluator(probe, _image);
        _exec = new ExecCheck(probe);
        var presets = PresetRules.Load(_tree);

        var listed = ListUnitFiles();
        var lookups = new List<(string Name, string ListedPath, InstallLookup Lookup)>(listed.Count);
        var aliasesByTarget = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, path) in listed)
        {
            var lookup = _resolver.LookupState(name);
            lookups.Add((name, path, lookup));
            if (lookup.State == "bad")
                fs.Note(Source, "unit-bad", $"{name}: {lookup.Message ?? lookup.Error.ToString()}", path);
            if (lookup.State == "alias" && lookup.Info is { } target)
            {
                if (!aliasesByTarget.TryGetValue(target.Name, out var list)) aliasesByTarget[target.Name] = list = [];
                list.Add(name);
            }
        }
        _loader = new UnitLoader(_resolver, aliasesByTarget);

        var defaultTarget = DefaultTarget();
        var boot = BootGraph.Build(Load(defaultTarget), Load);
        var bestInstance = BestInstancePerTemplate(boot);

        var units = new List<UnitFact>(lookups.Count);
        var listedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, listedPath, lookup) in lookups)
        {
            listedNames.Add(name);
            units.Add(BuildFact(name, listedPath, lookup, presets, boot, bestInstance, pulledInBy: null));
        }
        foreach (var (instance, by) in PulledInInstances(boot, listedNames))
        {
            var lookup = _resolver.LookupState(instance);
            units.Add(BuildFact(instance, lookup.Info?.Path ?? instance, lookup, presets, boot, bestInstance, by));
        }
        units.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new SystemdFacts { Available = true, DefaultTarget = defaultTarget, Kernels = [.. _image.Kernels], Units = units };
    }

    /// <summary>unit_file_get_list(): regular files and symlinks with valid unit names, first directory wins.</summary>
    private List<(string Name, string Path)> ListUnitFiles()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<(string, string)>();
        foreach (var dir in _tree.SearchDirs)
        {
            foreach (var e in dir.Entries)
            {
                if (!UnitName.IsValid(e.Name) || seen.Contains(e.Name)) continue;
                if (e.Kind is not (EntryKind.File or EntryKind.Symlink))
                {
                    if (e.Kind is EntryKind.Fifo or EntryKind.CharDevice or EntryKind.BlockDevice or EntryKind.Socket)
                        fs.Note(Source, e.Kind == EntryKind.Fifo ? "fifo-skipped" : "not-regular-unit",
                            $"{e.Kind.ToString().ToLowerInvariant()} named like a unit file; skipped (systemctl does not list it either)", dir.Child(e.Name));
                    continue;
                }
                seen.Add(e.Name);
                result.Add((e.Name, dir.Child(e.Name)));
            }
        }
        return result;
    }

    private (InstallError Error, InstallInfo? Info) Discover(string name)
    {
        if (_discovered.TryGetValue(name, out var d)) return d;
        if (!UnitName.IsValid(name)) d = (InstallError.Inval, null);
        else
        {
            var (error, info, _) = _resolver!.Discover(new Dictionary<string, InstallInfo>(StringComparer.Ordinal), name);
            d = (error, info);
        }
        _discovered[name] = d;
        return d;
    }

    /// <summary>The unit a name loads as (aliases followed), whatever the manager thinks of it; null when there is no fragment.</summary>
    private LoadedUnit? LoadAny(string name)
    {
        var (error, info) = Discover(name);
        if (error != InstallError.Ok || info is null || info.Mode != InstallMode.Regular || info.Path is null) return null;
        if (_loaded.TryGetValue(info.Name, out var unit)) return unit;
        unit = _loader!.Load(info.Name, info.Path);
        _loaded[info.Name] = unit;
        return unit;
    }

    /// <summary>The unit a name starts as, or null when it is missing, masked or refused by the manager.</summary>
    private LoadedUnit? Load(string name) => LoadAny(name) is { Refused: false } unit ? unit : null;

    /// <summary>unit_file_get_default(): default.target followed through its alias links.</summary>
    private string DefaultTarget()
    {
        var (error, info) = Discover("default.target");
        if (error == InstallError.Ok && info is { Mode: InstallMode.Regular }) return info.Name;
        return FallbackDefaultTarget;
    }

    /// <summary>For each template, its reached instance with the shortest boot path (ties by name): one pass over the graph.</summary>
    private static Dictionary<string, string> BestInstancePerTemplate(BootGraph boot)
    {
        var best = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in boot.Order)
        {
            if (!UnitName.IsInstance(name) || UnitName.Template(name) is not { } template) continue;
            if (!best.TryGetValue(template, out var current)
                || boot.PathLength(name) < boot.PathLength(current)
                || (boot.PathLength(name) == boot.PathLength(current) && string.CompareOrdinal(name, current) < 0))
                best[template] = name;
        }
        return best;
    }

    /// <summary>
    /// Template instances that something pulls in but no unit directory lists by name: reached at
    /// boot, activated by a timer, path or socket that starts at boot, or linked from a .wants/,
    /// .requires/ or .upholds/ directory. These are what runs; the bare template never does.
    /// </summary>
    private List<(string Instance, string PulledInBy)> PulledInInstances(BootGraph boot, HashSet<string> listed)
    {
        var result = new List<(string, string)>();
        var seen = new HashSet<string>(listed, StringComparer.Ordinal);
        void Add(string instance, string by)
        {
            if (!UnitName.IsInstance(instance) || !seen.Add(instance)) return;
            if (LoadAny(instance) is not { } unit || unit.Name != instance) return; // no template, or an alias of a listed unit
            result.Add((instance, by));
        }
        foreach (var name in boot.Order)
            if (boot.ParentOf(name) is { } parent) Add(name, parent);
        foreach (var name in boot.Order)
        {
            if (UnitName.TypeOf(name) is not ("timer" or "path" or "socket")) continue;
            if (Load(name) is not { } trigger || (trigger.Accept && trigger.Triggers is null)) continue;
            Add(trigger.Triggers ?? UnitName.Prefix(name) + (UnitName.Instance(name) is { Length: > 0 } i ? "@" + i : "") + ".service", name);
        }
        foreach (var dir in _tree.SearchDirs)
            foreach (var e in dir.Entries)
            {
                if (e.Kind != EntryKind.Directory) continue;
                var dot = e.Name.LastIndexOf('.');
                if (dot < 0 || e.Name[dot..] is not (".wants" or ".requires" or ".upholds")) continue;
                if (_tree.SubDir(dir, e.Name, followLink: false) is not { } sub) continue;
                foreach (var link in sub.Entries) Add(link.Name, e.Name[..dot]);
            }
        return result;
    }

    private UnitFact BuildFact(string name, string listedPath, InstallLookup lookup, PresetRules presets, BootGraph boot,
        Dictionary<string, string> bestInstance, string? pulledInBy)
    {
        var state = lookup.State;
        // list-unit-files leaves the preset column empty for these states (show_preset_for_state()).
        var preset = state is "alias" or "static" or "generated" or "transient" || pulledInBy is not null ? null : presets.Query(name);
        var info = lookup.Info;
        var fact = new UnitFact
        {
            Name = name,
            Type = UnitName.TypeOf(name),
            UnitFileState = state,
            Preset = preset,
            Template = UnitName.IsInstance(name) ? UnitName.Template(name) : null,
            PulledInBy = pulledInBy,
        };
        var lookupErrors = state == "bad" && lookup.Message is { } m ? new List<string> { m } : [];
        // A unit is "bad" to systemctl when its lookup fails anywhere, a broken drop-in included; the
        // fragment and the links still say what starts at boot, so everything readable is kept.
        var hasFragment = info is { Mode: InstallMode.Regular, Path: not null };
        if (state == "bad" && !hasFragment) return fact with { FragmentPath = listedPath, LoadErrors = lookupErrors };
        if (state is "masked" or "masked-runtime" || info is null) return fact;

        var unit = LoadAny(name);
        var (startsAtBoot, bootPath) = Boot(name, info.Name, boot, bestInstance);
        var loadErrors = lookupErrors;
        if (unit is not null)
            foreach (var e in unit.Errors.Concat(unit.LoadErrors))
                if (!loadErrors.Contains(e)) loadErrors.Add(e);

        // An alias names another unit, whose own entry carries the settings. (A link out of the search
        // path under a different file name is also "alias" to systemctl, but it is the only entry.)
        if (state == "alias" && info.Name != name)
        {
            return fact with
            {
                AliasOf = info.Name,
                FragmentPath = info.Path,
                Description = unit?.Description,
                StartsAtBoot = startsAtBoot,
                BootPath = bootPath,
                LoadErrors = loadErrors,
            };
        }

        // The one full fact, built once (a record copied per step costs a 5,000-unit root megabytes).
        var judged = unit is null || UnitName.IsTemplate(name) ? default : Judge(unit);
        return new UnitFact
        {
            Name = name,
            Type = fact.Type,
            UnitFileState = state,
            Preset = preset,
            Template = fact.Template,
            PulledInBy = pulledInBy,
            FragmentPath = info.Path,
            WantedBy = [.. info.WantedBy],
            RequiredBy = [.. info.RequiredBy],
            Alias = [.. info.Aliases],
            Also = [.. info.Also],
            StartsAtBoot = startsAtBoot,
            BootPath = bootPath,
            LoadErrors = loadErrors,
            DropIns = unit is null ? [] : [.. unit.DropIns],
            Description = unit?.Description,
            Requires = unit is null ? [] : [.. unit.Requires],
            Wants = unit is null ? [] : [.. unit.Wants],
            BindsTo = unit is null ? [] : [.. unit.BindsTo],
            Requisite = unit is null ? [] : [.. unit.Requisite],
            PartOf = unit is null ? [] : [.. unit.PartOf],
            After = unit is null ? [] : [.. unit.After],
            Before = unit is null ? [] : [.. unit.Before],
            Conditions = unit is null ? [] : [.. unit.Conditions],
            Asserts = unit is null ? [] : [.. unit.Asserts],
            ExecStart = unit is null ? [] : [.. unit.ExecStart],
            ExecStartPre = unit is null ? [] : [.. unit.ExecStartPre],
            Restart = unit?.Restart,
            RestartSec = unit?.RestartSec,
            EnvironmentFiles = unit is null ? [] : [.. unit.EnvironmentFiles],
            // A template never runs: its instances are judged (they are listed too when something pulls them in).
            ConditionResult = judged.ConditionResult,
            AssertResult = judged.AssertResult,
            ConditionNotes = judged.Notes ?? [],
            MissingDependencies = judged.MissingDependencies ?? [],
            MissingBindsTo = judged.MissingBindsTo ?? [],
            MissingExecutables = judged.MissingExecutables ?? [],
        };
    }

    private readonly record struct Judgement(string? ConditionResult, string? AssertResult, List<string>? Notes,
        List<string>? MissingDependencies, List<string>? MissingBindsTo, List<string>? MissingExecutables);

    /// <summary>Conditions, asserts and the exec commands that can fail the unit, evaluated against the image.</summary>
    private Judgement Judge(LoadedUnit unit)
    {
        var context = new SpecifierContext(_image!, unit.FragmentPath);
        // An exec path with %v is checked only when the image has exactly one kernel.
        var kernel = _image!.Kernels.Count == 1 ? _image.Kernels[0] : _image.Kernels.Count == 0 ? ImageFacts.NoKernel : null;
        var conditions = _conditions!.Evaluate(unit.Conditions, "Condition", unit.Name, context);
        var execCondition = _exec!.ExecCondition(unit, context, kernel);
        var notes = new List<string>();
        Tri? conditionResult = conditions?.Result;
        if (conditions is not null) notes.AddRange(conditions.Notes);
        if (execCondition is { } ec)
        {
            conditionResult = conditionResult is { } cr ? ConditionEvaluator.Combine([(false, cr), (false, ec.Result)]) : ec.Result;
            if (ec.Note is not null) notes.Add(ec.Note);
        }
        var asserts = _conditions.Evaluate(unit.Asserts, "Assert", unit.Name, context);
        if (asserts is not null) notes.AddRange(asserts.Notes);
        return new Judgement(
            conditionResult is { } c ? ConditionEvaluator.Word(c) : null,
            asserts is null ? null : ConditionEvaluator.Word(asserts.Result),
            notes,
            Missing(unit.Requires.Concat(unit.Requisite)),
            Missing(unit.BindsTo),
            UnitName.TypeOf(unit.Name) == "service" ? _exec.FailingExecutables(unit, context, kernel) : []);
    }

    /// <summary>A template starts at boot when one of its instances does (the shortest such path is shown).</summary>
    private static (bool, List<string>) Boot(string listedName, string canonical, BootGraph boot, Dictionary<string, string> bestInstance)
    {
        if (boot.Contains(canonical)) return (true, boot.PathTo(canonical));
        if (!UnitName.IsTemplate(listedName)) return (false, []);
        return bestInstance.TryGetValue(canonical, out var instance) ? (true, boot.PathTo(instance)) : (false, []);
    }

    private List<string> Missing(IEnumerable<string> dependencies)
    {
        List<string>? missing = null;
        foreach (var dep in dependencies)
            if (!UnitExists(dep)) (missing ??= []).Add(dep); // the sets hold each name once
        if (missing is null) return [];
        missing.Sort(StringComparer.Ordinal);
        return missing;
    }

    /// <summary>
    /// Whether a dependency can load: a unit file (or alias, or mask) for it or its template exists.
    /// Device, scope and slice units need no file; mount and swap units also come from /etc/fstab.
    /// </summary>
    private bool UnitExists(string name)
    {
        var type = UnitName.TypeOf(name);
        if (type is "device" or "scope" or "slice") return true;
        if (name == "-.mount") return true;
        var (error, _) = Discover(name);
        if (error is not (InstallError.NoEnt or InstallError.NoLink)) return true;
        return type is "mount" or "swap" or "automount" && FstabUnits().Contains(name);
    }

    private HashSet<string> FstabUnits()
    {
        if (_fstabUnits is not null) return _fstabUnits;
        _fstabUnits = new HashSet<string>(StringComparer.Ordinal);
        var text = fs.ReadText("/etc/fstab", 1024 * 1024);
        if (text is null) return _fstabUnits;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 3) continue;
            if (f[2] == "swap")
            {
                var dev = f[0].StartsWith("UUID=", StringComparison.Ordinal) ? "/dev/disk/by-uuid/" + f[0][5..]
                    : f[0].StartsWith("LABEL=", StringComparison.Ordinal) ? "/dev/disk/by-label/" + f[0][6..]
                    : f[0];
                _fstabUnits.Add(Specifiers.PathEscape(dev) + ".swap");
                continue;
            }
            var mountPoint = f[1].Replace("\\040", " ", StringComparison.Ordinal);
            if (!mountPoint.StartsWith('/')) continue;
            _fstabUnits.Add(Specifiers.PathEscape(mountPoint) + ".mount");
            if (f.Length > 3 && f[3].Contains("x-systemd.automount", StringComparison.Ordinal))
                _fstabUnits.Add(Specifiers.PathEscape(mountPoint) + ".automount");
        }
        return _fstabUnits;
    }
}
