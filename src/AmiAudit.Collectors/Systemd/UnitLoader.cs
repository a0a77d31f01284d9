using AmiAudit.Collectors.RootFs;

namespace AmiAudit.Collectors.Systemd;

/// <summary>
/// Loads a unit the way the manager does (src/core/load-fragment.c, load-dropin.c,
/// src/shared/dropin.c): the fragment, then every drop-in from &lt;name&gt;.d, the template's .d, the
/// "-" prefix dirs (foo-bar-.service.d, foo-.service.d), the aliases' .d and the type-wide
/// service.d, merged by file name; dependencies also come from the .wants/.requires/.upholds
/// directories found the same way. Only the settings the snapshot records are interpreted.
/// </summary>
internal sealed class UnitLoader(InstallResolver resolver, IReadOnlyDictionary<string, List<string>> aliasesByTarget)
{
    private readonly UnitTree _tree = resolver.Tree;

    public LoadedUnit Load(string name, string fragmentPath)
    {
        var unit = new LoadedUnit { Name = name, FragmentPath = fragmentPath };
        var names = new List<string> { name };
        if (aliasesByTarget.TryGetValue(name, out var aliases)) names.AddRange(aliases);

        var fragment = _tree.Parsed(fragmentPath);
        if (fragment is null)
            // We cannot read it (as an unprivileged user, say); systemd, as root, may well: the unit
            // is kept, with what could not be read said, rather than treated as absent.
            unit.LoadErrors.Add($"{fragmentPath}: cannot be read here (permission denied?); its settings are unknown");
        else
        {
            // unit_load_fragment(): a fragment config_parse() rejects makes the unit fail to load.
            if (fragment.Error is not null) unit.Errors.Add($"{fragment.Path}:{fragment.ErrorLine}: {fragment.Error}; systemd refuses to load the unit");
            Apply(unit, fragment);
        }
        foreach (var dropIn in resolver.ConfFiles(DropInDirs(names, ".d"), ".conf"))
        {
            var st = _tree.Stat(dropIn);
            if (st.Kind == EntryKind.CharDevice || (st.Kind == EntryKind.File && st.Size == 0)) continue;
            if (st.Kind != EntryKind.File)
            {
                // unit_load_dropin() ignores what config_parse() cannot open; we say so, because a
                // drop-in that is not there may be one that would have changed the unit.
                var lstat = _tree.Lstat(dropIn);
                unit.LoadErrors.Add(st.Kind switch
                {
                    EntryKind.Missing when lstat.LinkTarget is { } target => $"{dropIn}: dangling symbolic link (to {target}); systemd skips the drop-in",
                    EntryKind.Missing => $"{dropIn}: does not resolve (symbolic link loop?); systemd skips the drop-in",
                    EntryKind.Directory => $"{dropIn}: a directory where a drop-in was expected; skipped",
                    _ => $"{dropIn}: a {st.Kind.ToString().ToLowerInvariant()} where a drop-in was expected; not opened",
                });
                if (st.Kind == EntryKind.Fifo)
                    _tree.Fs.Note("systemd", "fifo-skipped", "FIFO where a drop-in was expected; skipped", dropIn);
                continue;
            }
            var parsed = _tree.Parsed(dropIn);
            if (parsed is null)
            {
                unit.LoadErrors.Add($"{dropIn}: cannot be read here (permission denied?); its settings are unknown");
                continue;
            }
            unit.DropIns.Add(dropIn);
            // A drop-in config_parse() rejects is applied up to the bad line and otherwise ignored.
            if (parsed.Error is not null) unit.LoadErrors.Add($"{parsed.Path}:{parsed.ErrorLine}: {parsed.Error}; systemd ignores the rest of the drop-in");
            Apply(unit, parsed);
        }
        AddDirectoryDependencies(unit, names, ".wants", unit.Wants);
        AddDirectoryDependencies(unit, names, ".requires", unit.Requires);
        AddDirectoryDependencies(unit, names, ".upholds", unit.Upholds);
        return unit;
    }

    /// <summary>unit_file_find_dropin_paths(): search-dir-major for the name, then the aliases, then the type.</summary>
    private List<(DirView, string)> DropInDirs(List<string> names, string suffix)
    {
        List<(DirView, string)>? result = null;
        var keys = new List<string>(4);
        foreach (var n in names)
        {
            // The candidate directory names do not depend on the search directory: built once per name.
            keys.Clear();
            foreach (var candidate in Candidates(n)) keys.Add(candidate + suffix);
            foreach (var dir in _tree.SearchDirs)
            {
                if (!dir.Exists) continue;
                foreach (var key in keys)
                    if (dir.Get(key) is not null) (result ??= []).Add((dir, key));
            }
        }
        var typeKey = UnitName.TypeOf(names[0]) + suffix;
        foreach (var dir in _tree.SearchDirs)
            if (dir.Exists && dir.Get(typeKey) is not null) (result ??= []).Add((dir, typeKey));
        return result ?? [];
    }

    /// <summary>unit_file_find_dirs(): the name, its template, then its "-" prefixes, most specific first.</summary>
    private static List<string> Candidates(string name)
    {
        var result = new List<string>(2);
        AddCandidates(name, result);
        return result;
    }

    private static void AddCandidates(string name, List<string> result)
    {
        result.Add(name);
        var isInstance = UnitName.IsInstance(name);
        if (isInstance && UnitName.Template(name) is { } template) AddCandidates(template, result);

        var prefix = UnitName.Prefix(name);
        var chopped = false;
        while (true)
        {
            var dash = prefix.LastIndexOf('-');
            if (dash <= 0) return;
            if (dash + 1 < prefix.Length || chopped)
            {
                prefix = prefix[..(dash + 1)];
                break;
            }
            // A trailing dash is chopped once, so "foo-bar-" continues with "foo-".
            prefix = prefix[..dash];
            chopped = true;
        }
        var type = UnitName.TypeOf(name);
        var built = isInstance ? $"{prefix}@{UnitName.Instance(name)}.{type}" : $"{prefix}.{type}";
        if (!UnitName.IsValid(built)) return;
        AddCandidates(built, result);
    }

    /// <summary>process_deps() of load-dropin.c: every symlink in the .wants/.requires dirs is a dependency by its name.</summary>
    private void AddDirectoryDependencies(LoadedUnit unit, List<string> names, string suffix, OrderedSet into)
    {
        foreach (var path in resolver.ConfFiles(DropInDirs(names, suffix), null))
        {
            var entry = UnitSearchPath.BaseName(path);
            var st = _tree.Stat(path);
            if (st.Kind == EntryKind.CharDevice || (st.Kind == EntryKind.File && st.Size == 0)) continue; // masked dependency
            if (_tree.Lstat(path).Kind != EntryKind.Symlink) continue; // "is not a symlink, ignoring"
            if (!UnitName.IsValid(entry)) continue;
            if (UnitName.IsTemplate(entry))
            {
                // foo@.target.wants/bar@.service: the unit's instance is propagated; without one it cannot load.
                var instance = UnitName.Instance(unit.Name);
                if (string.IsNullOrEmpty(instance)) continue;
                entry = UnitName.ReplaceInstance(entry, instance);
                if (entry is null) continue;
            }
            into.Add(entry);
        }
    }

    private static void Apply(LoadedUnit unit, UnitFileText file)
    {
        foreach (var e in file.Entries)
        {
            switch (e.Section)
            {
                case "Unit":
                    ApplyUnit(unit, e);
                    break;
                case "Service":
                    ApplyService(unit, file.Path, e);
                    break;
                case "Socket":
                    if (e.Key == "Service") unit.Triggers = e.Value.Length == 0 ? null : e.Value;
                    else if (e.Key == "Accept") unit.Accept = e.Value.ToLowerInvariant() is "1" or "yes" or "y" or "true" or "t" or "on";
                    else if (e.Key == "EnvironmentFile") ApplyList(unit.EnvironmentFiles, e.Value);
                    break;
                case "Timer" or "Path":
                    if (e.Key == "Unit") unit.Triggers = e.Value.Length == 0 ? null : Specifiers.Expand(e.Value, unit.Name);
                    break;
                case "Mount" or "Swap":
                    if (e.Key == "EnvironmentFile") ApplyList(unit.EnvironmentFiles, e.Value);
                    break;
            }
        }
    }

    private static void ApplyUnit(LoadedUnit unit, UnitEntry e)
    {
        switch (e.Key)
        {
            case "Description":
                unit.Description = e.Value.Length == 0 ? null : Specifiers.Expand(e.Value, unit.Name);
                return;
            case "Requires": AddDeps(unit, unit.Requires, e.Value); return;
            case "Wants": AddDeps(unit, unit.Wants, e.Value); return;
            case "BindsTo": AddDeps(unit, unit.BindsTo, e.Value); return;
            case "Requisite": AddDeps(unit, unit.Requisite, e.Value); return;
            case "PartOf": AddDeps(unit, unit.PartOf, e.Value); return;
            case "Upholds": AddDeps(unit, unit.Upholds, e.Value); return;
            case "After": AddDeps(unit, unit.After, e.Value); return;
            case "Before": AddDeps(unit, unit.Before, e.Value); return;
        }
        // An empty Condition*=/Assert*= resets every condition (resp. assertion) set so far.
        if (e.Key.StartsWith("Condition", StringComparison.Ordinal))
        {
            if (e.Value.Length == 0) unit.Conditions.Clear();
            else unit.Conditions.Add($"{e.Key}={e.Value}");
        }
        else if (e.Key.StartsWith("Assert", StringComparison.Ordinal))
        {
            if (e.Value.Length == 0) unit.Asserts.Clear();
            else unit.Asserts.Add($"{e.Key}={e.Value}");
        }
    }

    private static void ApplyService(LoadedUnit unit, string file, UnitEntry e)
    {
        switch (e.Key)
        {
            case "ExecCondition": ApplyExec(unit, file, e, unit.ExecCondition); break;
            case "ExecStartPre": ApplyExec(unit, file, e, unit.ExecStartPre); break;
            case "ExecStart": ApplyExec(unit, file, e, unit.ExecStart); break;
            case "ExecStartPost": ApplyExec(unit, file, e, unit.ExecStartPost); break;
            case "Restart": unit.Restart = e.Value.Length == 0 ? null : e.Value; break;
            case "RestartSec": unit.RestartSec = e.Value.Length == 0 ? null : e.Value; break;
            case "EnvironmentFile": ApplyList(unit.EnvironmentFiles, e.Value); break;
        }
    }

    /// <summary>config_parse_exec(): a line systemd rejects is dropped ("-") or makes it refuse the unit.</summary>
    private static void ApplyExec(LoadedUnit unit, string file, UnitEntry e, List<string> list)
    {
        if (!unit.Commands.TryGetValue(e.Key, out var parsed)) unit.Commands[e.Key] = parsed = [];
        if (e.Value.Length == 0)
        {
            list.Clear();
            parsed.Clear();
            return;
        }
        var commands = ExecLine.Parse(e.Key, e.Value, out var error, out var fatal);
        // unit_full_printf() on the executable: a specifier systemd does not know is the same kind of error.
        foreach (var c in commands)
        {
            if (error is not null || Specifiers.FirstInvalid(c.RawPath) is not { } bad) continue;
            error = $"unknown specifier {bad} in {c.RawPath}";
            fatal = !c.IgnoresFailure;
        }
        if (error is not null)
        {
            if (fatal)
            {
                unit.Errors.Add($"{file}:{e.Line}: {e.Key}={e.Value}: {error}; systemd refuses to load the unit");
                return;
            }
            unit.LoadErrors.Add($"{file}:{e.Line}: {e.Key}={e.Value}: {error}; systemd ignores the line");
        }
        list.Add(e.Value);
        parsed.AddRange(commands);
    }

    /// <summary>EnvironmentFile=: each assignment adds one entry, the empty string clears the list.</summary>
    private static void ApplyList(List<string> list, string value)
    {
        if (value.Length == 0) list.Clear();
        else list.Add(value);
    }

    /// <summary>config_parse_unit_deps(): words, specifiers expanded, invalid names ignored; an empty value adds nothing.</summary>
    private static void AddDeps(LoadedUnit unit, OrderedSet into, string value)
    {
        foreach (var w in UnitFileParser.SplitWords(value))
        {
            var name = Specifiers.Expand(w, unit.Name);
            if (UnitName.IsValid(name)) into.Add(name);
        }
    }
}
