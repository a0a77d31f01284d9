using AmiAudit.Collectors.RootFs;
using AmiAudit.Core.Model;

namespace AmiAudit.Collectors.Systemd;

/// <summary>One scan of one root: list, resolve states, load settings, walk the boot graph, build facts.</summary>
internal sealed class SystemdScan(RootFileSystem fs)
{
    private const string Source = "systemd";
    private const string FallbackDefaultTarget = "graphical.target";

    private readonly UnitTree _tree = new(fs);
    private readonly Dictionary<string, (InstallError Error, InstallInfo? Info)> _discovered = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LoadedUnit?> _loaded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _executableExists = new(StringComparer.Ordinal);
    private InstallResolver? _resolver;
    private UnitLoader? _loader;
    private HashSet<string>? _fstabUnits;

    public SystemdFacts Run()
    {
        if (!_tree.AnyUnitDirectory)
        {
            fs.Note(Source, "unavailable", "no systemd unit directory in the root (not a systemd image?)", null, "unavailable");
            return new SystemdFacts { Available = false };
        }
        _resolver = new InstallResolver(_tree);
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
        var boot = BootGraph(defaultTarget);

        var units = new List<UnitFact>(lookups.Count);
        foreach (var (name, listedPath, lookup) in lookups)
            units.Add(BuildFact(name, listedPath, lookup, presets, boot));
        units.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new SystemdFacts { Available = true, DefaultTarget = defaultTarget, Units = units };
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

    /// <summary>The unit a name loads as (following aliases), or null when it is missing, masked or broken.</summary>
    private LoadedUnit? Load(string name)
    {
        var (error, info) = Discover(name);
        if (error != InstallError.Ok || info is null || info.Mode != InstallMode.Regular || info.Path is null) return null;
        if (_loaded.TryGetValue(info.Name, out var unit)) return unit;
        unit = _loader!.Load(info.Name, info.Path);
        if (unit.Errors.Count > 0) unit = null; // the manager refuses a unit whose file it cannot parse
        _loaded[info.Name] = unit;
        return unit;
    }

    /// <summary>unit_file_get_default(): default.target followed through its alias links.</summary>
    private string DefaultTarget()
    {
        var (error, info) = Discover("default.target");
        if (error == InstallError.Ok && info is { Mode: InstallMode.Regular }) return info.Name;
        return FallbackDefaultTarget;
    }

    /// <summary>Breadth-first from the default target through Requires/Wants/BindsTo/Upholds (incl. .wants/.requires links): shortest path per unit.</summary>
    private Dictionary<string, string?> BootGraph(string defaultTarget)
    {
        var parent = new Dictionary<string, string?>(StringComparer.Ordinal);
        var start = Load(defaultTarget);
        if (start is null) return parent;
        parent[start.Name] = null;
        var queue = new Queue<LoadedUnit>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var unit = queue.Dequeue();
            var next = unit.PullsIn.Distinct(StringComparer.Ordinal).ToList();
            next.Sort(StringComparer.Ordinal);
            foreach (var dep in next)
            {
                var target = Load(dep);
                if (target is null || parent.ContainsKey(target.Name)) continue;
                parent[target.Name] = unit.Name;
                queue.Enqueue(target);
            }
        }
        return parent;
    }

    private static List<string> PathTo(Dictionary<string, string?> parent, string name)
    {
        var path = new List<string>();
        for (string? n = name; n is not null; n = parent[n]) path.Add(n);
        path.Reverse();
        return path;
    }

    private UnitFact BuildFact(string name, string listedPath, InstallLookup lookup, PresetRules presets, Dictionary<string, string?> boot)
    {
        var state = lookup.State;
        // list-unit-files leaves the preset column empty for these states (show_preset_for_state()).
        var preset = state is "alias" or "static" or "generated" or "transient" ? null : presets.Query(name);
        var info = lookup.Info;
        var fact = new UnitFact
        {
            Name = name,
            Type = UnitName.TypeOf(name),
            UnitFileState = state,
            Preset = preset,
            Template = UnitName.IsInstance(name) ? UnitName.Template(name) : null,
        };
        if (state == "bad") return fact with { FragmentPath = listedPath };
        if (state is "masked" or "masked-runtime" || info is null) return fact;

        var unit = Load(name);
        var (startsAtBoot, bootPath) = Boot(name, info.Name, boot);
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
            };
        }

        fact = fact with
        {
            FragmentPath = info.Path,
            WantedBy = [.. info.WantedBy],
            RequiredBy = [.. info.RequiredBy],
            Alias = [.. info.Aliases],
            Also = [.. info.Also],
            StartsAtBoot = startsAtBoot,
            BootPath = bootPath,
        };
        if (unit is null) return fact;
        return fact with
        {
            DropIns = [.. unit.DropIns],
            Description = unit.Description,
            Requires = [.. unit.Requires],
            Wants = [.. unit.Wants],
            BindsTo = [.. unit.BindsTo],
            Requisite = [.. unit.Requisite],
            PartOf = [.. unit.PartOf],
            After = [.. unit.After],
            Before = [.. unit.Before],
            Conditions = [.. unit.Conditions],
            Asserts = [.. unit.Asserts],
            ExecStart = [.. unit.ExecStart],
            ExecStartPre = [.. unit.ExecStartPre],
            Restart = unit.Restart,
            RestartSec = unit.RestartSec,
            EnvironmentFiles = [.. unit.EnvironmentFiles],
            MissingDependencies = MissingDependencies(unit),
            MissingExecutables = MissingExecutables(unit),
        };
    }

    /// <summary>A template starts at boot when one of its instances does (the shortest such path is shown).</summary>
    private static (bool, List<string>) Boot(string listedName, string canonical, Dictionary<string, string?> boot)
    {
        if (boot.ContainsKey(canonical)) return (true, PathTo(boot, canonical));
        if (!UnitName.IsTemplate(listedName)) return (false, []);
        List<string>? best = null;
        foreach (var reached in boot.Keys)
        {
            if (UnitName.Template(reached) != canonical || !UnitName.IsInstance(reached)) continue;
            var path = PathTo(boot, reached);
            if (best is null || path.Count < best.Count || (path.Count == best.Count && string.CompareOrdinal(reached, best[^1]) < 0))
                best = path;
        }
        return best is null ? (false, []) : (true, best);
    }

    private List<string> MissingDependencies(LoadedUnit unit)
    {
        var missing = new List<string>();
        foreach (var dep in unit.Requires.Concat(unit.BindsTo).Concat(unit.Requisite))
            if (!missing.Contains(dep) && !UnitExists(dep)) missing.Add(dep);
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

    private List<string> MissingExecutables(LoadedUnit unit)
    {
        var missing = new List<string>();
        foreach (var line in unit.ExecStart.Concat(unit.ExecStartPre))
        {
            var exe = ExecCommand.Executable(line);
            if (exe is null) continue;
            // A template's %i has no value yet; only a fully known path can be checked.
            if (UnitName.IsTemplate(unit.Name) && exe.Contains('%')) continue;
            exe = Specifiers.Expand(exe, unit.Name);
            if (!exe.StartsWith('/') || exe.Contains('%')) continue;
            if (!ExecutableExists(exe) && !missing.Contains(exe)) missing.Add(exe);
        }
        return missing;
    }

    private bool ExecutableExists(string path)
    {
        if (_executableExists.TryGetValue(path, out var ok)) return ok;
        ok = _tree.Stat(path).Kind == EntryKind.File;
        _executableExists[path] = ok;
        return ok;
    }
}
