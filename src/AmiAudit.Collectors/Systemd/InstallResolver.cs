using AmiAudit.Collectors.RootFs;

namespace AmiAudit.Collectors.Systemd;

internal enum InstallMode
{
    Invalid,
    Regular,
    Linked,
    Alias,
    Masked,
}

/// <summary>The errno values install.c tells apart; anything but Ok ends a lookup as state "bad".</summary>
internal enum InstallError
{
    Ok,
    NoEnt,
    NotDir,
    Loop,
    IsDir,
    Inval,
    XDev,
    NoLink,
    Unreadable,
}

/// <summary>install.c's InstallInfo: one name being resolved, and the [Install] section once loaded.</summary>
internal sealed class InstallInfo(string name)
{
    public string Name { get; } = name;
    public string? Path { get; set; }
    public InstallMode Mode { get; set; }
    public string? SymlinkTarget { get; set; }
    public List<string> Aliases { get; } = [];
    public List<string> WantedBy { get; } = [];
    public List<string> RequiredBy { get; } = [];
    public List<string> UpheldBy { get; } = [];
    public List<string> Also { get; } = [];
    public string? DefaultInstance { get; set; }
    /// <summary>Drop-in files whose [Install] section was merged, in load order.</summary>
    public List<string> DropIns { get; } = [];
    /// <summary>
    /// Drop-ins that could not be loaded (dangling, FIFO, unreadable, malformed). install.c stops at
    /// the first one and systemctl calls the unit "bad"; the rest of the unit is still read, because
    /// whether it is enabled comes from its links and fragment, not from whether a drop-in parsed.
    /// </summary>
    public List<string> DropInErrors { get; } = [];

    public bool HasRules => Aliases.Count > 0 || WantedBy.Count > 0 || RequiredBy.Count > 0 || UpheldBy.Count > 0;
}

/// <summary>Outcome of <see cref="InstallResolver.LookupState"/>.</summary>
internal sealed record InstallLookup(string Name, string State, InstallInfo? Info, InstallError Error, string? Message);

/// <summary>
/// A port of the read-only half of systemd's src/shared/install.c (v252): install_info_discover(),
/// install_info_traverse(), unit_file_search(), unit_file_load_or_readlink(),
/// find_symlinks_in_scope() and unit_file_lookup_state(). Kept structurally close to the C so the
/// two can be compared function by function; only the I/O goes through the cached <see cref="UnitTree"/>.
/// </summary>
internal sealed class InstallResolver(UnitTree tree)
{
    private const int FollowSymlinkMax = 64;
    private readonly Dictionary<string, SymlinkIndex> _wantsIndex = new(StringComparer.Ordinal);

    public UnitTree Tree => tree;

    /// <summary>unit_file_lookup_state(): the UNIT FILE STATE column of list-unit-files.</summary>
    public InstallLookup LookupState(string name)
    {
        if (!UnitName.IsValid(name)) return new InstallLookup(name, "bad", null, InstallError.Inval, "invalid unit name");
        var ctx = new Dictionary<string, InstallInfo>(StringComparer.Ordinal);
        var (error, info, message) = Discover(ctx, name);
        if (error != InstallError.Ok || info is null) return new InstallLookup(name, "bad", info, error, message);
        // install.c ends the traversal at the first drop-in it cannot load: systemctl says "bad".
        foreach (var visited in ctx.Values)
            if (visited.DropInErrors.Count > 0) return new InstallLookup(name, "bad", info, InstallError.Unreadable, visited.DropInErrors[0]);

        string state;
        if (info.Mode == InstallMode.Masked)
            state = UnitSearchPath.IsRuntime(info.Path!, checkParent: true) ? "masked-runtime" : "masked";
        else if (name != UnitSearchPath.BaseName(info.Path!) && !UnitName.IsInstance(info.Name))
            state = "alias";
        else if (UnitSearchPath.IsGeneratorFile(info.Path!))
            state = "generated";
        else if (UnitSearchPath.IsTransientFile(info.Path!))
            state = "transient";
        else if (FindSymlinksInScope(info, matchName: true) is { } s)
            state = s;
        else if (FindSymlinksInScope(info, matchName: false) is not null)
            state = "indirect";
        else if (info.HasRules)
            state = "disabled";
        else if (info.Also.Count > 0)
            state = "indirect";
        else
            state = "static";
        return new InstallLookup(name, state, info, InstallError.Ok, null);
    }

    /// <summary>install_info_discover(SEARCH_LOAD|SEARCH_FOLLOW_CONFIG_SYMLINKS): the final info after following aliases.</summary>
    public (InstallError Error, InstallInfo? Info, string? Message) Discover(Dictionary<string, InstallInfo> ctx, string name)
    {
        var start = Add(ctx, name);
        var r = Search(start, out var message);
        if (r != InstallError.Ok) return (r, start, message);

        var i = start;
        var k = 0;
        while (i.Mode is InstallMode.Alias or InstallMode.Linked)
        {
            if (++k > FollowSymlinkMax) return (InstallError.Loop, i, $"more than {FollowSymlinkMax} aliases while resolving {name}");
            r = Follow(i, ignoreDifferentName: i.Mode == InstallMode.Linked, out message);
            if (r == InstallError.XDev && i.SymlinkTarget is not null)
            {
                var bn = UnitSearchPath.BaseName(i.SymlinkTarget);
                if (UnitName.IsInstance(i.Name) && UnitName.IsTemplate(bn))
                {
                    var buffer = UnitName.ReplaceInstance(bn, UnitName.Instance(i.Name)!);
                    if (buffer is null) return (InstallError.Inval, i, $"cannot instantiate {bn}");
                    if (buffer == i.Name)
                    {
                        // The instance filled into the target gives our own name: honour the link as is.
                        r = Follow(i, ignoreDifferentName: true, out message);
                        if (r != InstallError.Ok) return (r, i, message);
                        continue;
                    }
                    bn = buffer;
                }
                if (!UnitName.IsValid(bn)) return (InstallError.Inval, i, $"alias target {bn} is not a unit name");
                i = Add(ctx, bn);
                r = Search(i, out message);
                if (r == InstallError.NoEnt) return (InstallError.NoLink, i, $"{name} is an alias of {bn}, which does not exist");
            }
            if (r != InstallError.Ok) return (r, i, message);
        }
        return (InstallError.Ok, i, null);
    }

    private static InstallInfo Add(Dictionary<string, InstallInfo> ctx, string name)
    {
        if (ctx.TryGetValue(name, out var existing)) return existing;
        var info = new InstallInfo(name);
        ctx[name] = info;
        return info;
    }

    /// <summary>install_info_follow().</summary>
    private InstallError Follow(InstallInfo info, bool ignoreDifferentName, out string? message)
    {
        message = null;
        if (info.Mode is not (InstallMode.Alias or InstallMode.Linked) || info.SymlinkTarget is null) return InstallError.Inval;
        if (!ignoreDifferentName && UnitSearchPath.BaseName(info.SymlinkTarget) != info.Name) return InstallError.XDev;
        info.Path = info.SymlinkTarget;
        info.SymlinkTarget = null;
        info.Mode = InstallMode.Invalid;
        return LoadOrReadlink(info, info.Path, out message);
    }

    /// <summary>unit_file_search(): first file with the name (or its template) along the search path, then drop-ins.</summary>
    private InstallError Search(InstallInfo info, out string? message)
    {
        message = null;
        if (info.Mode != InstallMode.Invalid) return InstallError.Ok;
        if (info.Path is not null) return LoadOrReadlink(info, info.Path, out message);

        var template = UnitName.IsInstance(info.Name) ? UnitName.Template(info.Name) : null;
        var found = false;
        foreach (var name in template is null ? [info.Name] : new[] { info.Name, template })
        {
            foreach (var dir in tree.SearchDirs)
            {
                // The listing already says whether the name is there: no syscall for the common miss.
                if (dir.Get(name) is null) continue;
                var path = dir.Child(name);
                var r = LoadOrReadlink(info, path, out message);
                if (r == InstallError.Ok)
                {
                    info.Path = path;
                    found = true;
                    break;
                }
                if (r is not (InstallError.NoEnt or InstallError.NotDir)) return r;
            }
            if (found) break;
        }
        if (!found)
        {
            message = $"cannot find unit {info.Name}";
            return InstallError.NoEnt;
        }
        if (info.Mode == InstallMode.Masked) return InstallError.Ok;

        // install.c orders the drop-in directories name-major: every <dir>/<name>.d, then every <dir>/<template>.d.
        var nameDir = info.Name + ".d";
        var dirs = tree.SearchDirs.Select(d => (d, nameDir));
        if (template is not null)
        {
            var templateDir = template + ".d";
            dirs = dirs.Concat(tree.SearchDirs.Select(d => (d, templateDir)));
        }
        foreach (var dropIn in ConfFiles(dirs, ".conf"))
        {
            // Recorded, not returned: a broken drop-in must not hide the fragment and the links.
            if (LoadDropIn(info, dropIn, out var dropInMessage) != InstallError.Ok)
                info.DropInErrors.Add(dropInMessage ?? $"drop-in {dropIn} could not be loaded");
        }
        message = null;
        return InstallError.Ok;
    }

    /// <summary>
    /// conf_files_list_strv() over the given directories (each named as a child of a listed directory):
    /// entries ending in <paramref name="suffix"/> (all entries when null), the earliest directory
    /// winning for a file name, sorted by file name.
    /// </summary>
    public IReadOnlyList<string> ConfFiles(IEnumerable<(DirView Parent, string Child)> dirs, string? suffix)
    {
        SortedDictionary<string, string>? files = null;
        foreach (var (parent, child) in dirs)
        {
            var sub = tree.SubDir(parent, child, followLink: true);
            if (sub is null) continue;
            foreach (var e in sub.Entries)
            {
                if (suffix is not null && !e.Name.EndsWith(suffix, StringComparison.Ordinal)) continue;
                files ??= new SortedDictionary<string, string>(StringComparer.Ordinal);
                files.TryAdd(e.Name, sub.Child(e.Name));
            }
        }
        return files is null ? [] : [.. files.Values];
    }

    /// <summary>unit_file_load_or_readlink(): a regular file is loaded; a symlink becomes masked, alias or linked.</summary>
    private InstallError LoadOrReadlink(InstallInfo info, string path, out string? message)
    {
        var r = LoadMain(info, path, out message);
        if (r != InstallError.Loop) return r;

        // unit_file_resolve_symlink(): one level, made absolute in the root, "." and ".." removed
        // and intermediate links followed (chase with CHASE_NOFOLLOW|CHASE_NONEXISTENT).
        var raw = tree.Lstat(path).LinkTarget;
        if (raw is null)
        {
            message = $"cannot read symlink {path}";
            return InstallError.Unreadable;
        }
        var target = raw.StartsWith('/') ? raw : UnitSearchPath.Parent(path) + "/" + raw;
        var simplified = tree.Fs.Resolve(target, followLast: false);
        if (simplified is null)
        {
            message = $"symlink loop while resolving {path}";
            return InstallError.Loop;
        }
        var isAlias = UnitSearchPath.IsUnderSearchPath(simplified);
        if (isAlias)
        {
            r = ValidateAlias(UnitSearchPath.BaseName(path), UnitSearchPath.BaseName(simplified));
            if (r != InstallError.Ok)
            {
                message = $"{path} -> {simplified} is not a valid alias";
                return r;
            }
        }
        info.SymlinkTarget = simplified;
        info.Mode = IsNullOrEmpty(simplified) ? InstallMode.Masked : isAlias ? InstallMode.Alias : InstallMode.Linked;
        return InstallError.Ok;
    }

    /// <summary>null_or_empty_path_with_root(): a link to /dev/null (even dangling), a character device, or an empty file.</summary>
    private bool IsNullOrEmpty(string inRootPath)
    {
        if (inRootPath == "/dev/null") return true;
        var st = tree.Stat(inRootPath);
        return st.Kind == EntryKind.CharDevice || (st.Kind == EntryKind.File && st.Size == 0);
    }

    /// <summary>unit_file_load() for the main file (not a drop-in): ELOOP for a symlink, masked for empty.</summary>
    private InstallError LoadMain(InstallInfo info, string path, out string? message)
    {
        message = null;
        var kind = UnitName.Classify(info.Name);
        if (kind is UnitNameKind.Template or UnitNameKind.Instance && !UnitName.TypeMayTemplate(UnitName.TypeOf(info.Name)))
        {
            message = $"unit type {UnitName.TypeOf(info.Name)} cannot be templated";
            return InstallError.Inval;
        }
        var st = tree.Lstat(path);
        switch (st.Kind)
        {
            case EntryKind.Missing:
                return InstallError.NoEnt;
            case EntryKind.Symlink:
                return InstallError.Loop;
            case EntryKind.Directory:
                message = $"{path} is a directory";
                return InstallError.IsDir;
            case EntryKind.CharDevice:
                info.Mode = InstallMode.Masked;
                return InstallError.Ok;
            case EntryKind.File when st.Size == 0:
                info.Mode = InstallMode.Masked;
                return InstallError.Ok;
            case EntryKind.File:
                var r = Parse(path, out var parsed, out message);
                if (r != InstallError.Ok) return r;
                r = ApplyInstall(info, parsed!, out message);
                if (r != InstallError.Ok) return r;
                info.Mode = InstallMode.Regular;
                return InstallError.Ok;
            default:
                // A FIFO would block systemd's open(2) forever; we refuse it instead.
                tree.Fs.Note("systemd", "not-regular-unit", $"{st.Kind.ToString().ToLowerInvariant()} where a unit file was expected; skipped", path);
                message = $"{path} is not a regular file";
                return InstallError.Unreadable;
        }
    }

    /// <summary>The parsed file, or why not: unreadable, or a syntax error systemd would reject (-EINVAL).</summary>
    private InstallError Parse(string path, out UnitFileText? parsed, out string? message)
    {
        message = null;
        parsed = tree.Parsed(path);
        if (parsed is null)
        {
            message = $"{path} cannot be read (permission denied?)";
            return InstallError.Unreadable;
        }
        if (parsed.Error is not null)
        {
            message = $"{path}:{parsed.ErrorLine}: {parsed.Error}";
            return InstallError.Inval;
        }
        return InstallError.Ok;
    }

    /// <summary>unit_file_load() with SEARCH_DROPIN: follows links; a masked (empty, /dev/null) drop-in is ignored.</summary>
    private InstallError LoadDropIn(InstallInfo info, string path, out string? message)
    {
        message = null;
        var st = tree.Stat(path);
        switch (st.Kind)
        {
            case EntryKind.Missing:
                message = tree.Lstat(path).LinkTarget is { } target
                    ? $"drop-in {path} is a dangling symbolic link (to {target})"
                    : $"drop-in {path} does not resolve";
                return InstallError.NoEnt;
            case EntryKind.CharDevice:
            case EntryKind.File when st.Size == 0:
                return InstallError.Ok;
            case EntryKind.File:
                var pr = Parse(path, out var dropIn, out message);
                if (pr != InstallError.Ok) return pr;
                info.DropIns.Add(path);
                return ApplyInstall(info, dropIn!, out message);
            case EntryKind.Directory:
                message = $"drop-in {path} is a directory";
                return InstallError.IsDir;
            default:
                tree.Fs.Note("systemd", "not-regular-unit", $"{st.Kind.ToString().ToLowerInvariant()} where a drop-in was expected; skipped", path);
                message = $"drop-in {path} is a {st.Kind.ToString().ToLowerInvariant()}, not a regular file; not opened";
                return InstallError.Unreadable;
        }
    }

    /// <summary>The [Install] items table of unit_file_load().</summary>
    private static InstallError ApplyInstall(InstallInfo info, UnitFileText file, out string? message)
    {
        message = null;
        foreach (var e in file.In("Install"))
        {
            switch (e.Key)
            {
                case "Alias":
                    if (!UnitName.TypeMayAlias(UnitName.TypeOf(info.Name))) break;
                    ApplyStrv(info.Aliases, e.Value, info.Name);
                    break;
                case "WantedBy":
                    ApplyStrv(info.WantedBy, e.Value, info.Name);
                    break;
                case "RequiredBy":
                    ApplyStrv(info.RequiredBy, e.Value, info.Name);
                    break;
                case "UpheldBy":
                    ApplyStrv(info.UpheldBy, e.Value, info.Name);
                    break;
                case "Also":
                    foreach (var w in UnitFileParser.SplitWords(e.Value)) info.Also.Add(Specifiers.Expand(w, info.Name));
                    break;
                case "DefaultInstance":
                    if (UnitName.IsInstance(info.Name) || !UnitName.IsTemplate(info.Name)) break;
                    var printed = Specifiers.Expand(e.Value, info.Name);
                    if (printed.Length == 0)
                    {
                        info.DefaultInstance = null;
                        break;
                    }
                    if (UnitName.ReplaceInstance(info.Name, printed) is null)
                    {
                        message = $"{file.Path}:{e.Line}: invalid DefaultInstance= value \"{printed}\"";
                        return InstallError.Inval;
                    }
                    info.DefaultInstance = printed;
                    break;
            }
        }
        return InstallError.Ok;
    }

    /// <summary>config_parse_strv(): the empty string resets the list; Alias= values are specifier-expanded on use.</summary>
    private static void ApplyStrv(List<string> list, string value, string unitName)
    {
        if (value.Length == 0)
        {
            list.Clear();
            return;
        }
        foreach (var w in UnitFileParser.SplitWords(value)) list.Add(Specifiers.Expand(w, unitName));
    }

    /// <summary>unit_validate_alias_symlink_or_warn().</summary>
    internal static InstallError ValidateAlias(string src, string dst)
    {
        var srcKind = UnitName.Classify(src);
        if (srcKind == UnitNameKind.Invalid) return InstallError.Inval;
        var srcType = UnitName.TypeOf(src);
        if (!UnitName.TypeMayAlias(srcType)) return InstallError.Inval;
        if (srcKind != UnitNameKind.Plain && !UnitName.TypeMayTemplate(srcType)) return InstallError.Inval;
        if (src == dst) return InstallError.Loop;
        var dstKind = UnitName.Classify(dst);
        if (dstKind == UnitNameKind.Invalid) return InstallError.XDev;
        if (!(dstKind == srcKind || (srcKind == UnitNameKind.Instance && dstKind == UnitNameKind.Template))) return InstallError.XDev;
        if (dstKind == UnitNameKind.Instance && UnitName.Instance(src) != UnitName.Instance(dst)) return InstallError.XDev;
        if (UnitName.TypeOf(dst) != srcType) return InstallError.XDev;
        return InstallError.Ok;
    }

    /// <summary>find_symlinks_in_scope(): returns the state when symlinks to the unit are found, else null.</summary>
    private string? FindSymlinksInScope(InstallInfo info, bool matchName)
    {
        bool sameNameLinkRuntime = false, sameNameLinkConfig = false, enabledInRuntime = false, enabledAtAll = false, ignoreSameName = false;
        foreach (var dir in tree.SearchDirs)
        {
            var sameNameLink = false;
            if (FindSymlinks(info, matchName, ignoreSameName, dir, ref sameNameLink))
            {
                if (dir.Path == UnitSearchPath.PersistentConfig) return "enabled";
                if (UnitSearchPath.IsRuntime(dir.Path, checkParent: false)) enabledInRuntime = true;
                else enabledAtAll = true;
            }
            else if (sameNameLink)
            {
                if (dir.Path == UnitSearchPath.PersistentConfig) sameNameLinkConfig = true;
                else if (UnitSearchPath.IsRuntime(dir.Path, checkParent: false)) sameNameLinkRuntime = true;
            }
            // Directories after the one holding the unit file are below it: their same-name links are shadowed.
            if (!ignoreSameName && UnitSearchPath.PathStartsWith(info.Path!, dir.Path)) ignoreSameName = true;
        }
        if (enabledInRuntime) return "enabled-runtime";
        // An instance linked from a vendor directory's .wants is statically enabled.
        if (enabledAtAll && UnitName.IsInstance(info.Name)) return "static";
        if (sameNameLinkConfig) return "linked";
        if (sameNameLinkRuntime) return "linked-runtime";
        return null;
    }

    /// <summary>
    /// find_symlinks(): the .wants/.requires/.upholds directories first, then the directory itself.
    /// find_symlinks_in_directory() is evaluated on the candidate links only (by name, by template,
    /// by target basename); every other link can neither match nor be a same-name link.
    /// </summary>
    private bool FindSymlinks(InstallInfo info, bool matchName, bool ignoreSameName, DirView configDir, ref bool sameNameLink)
    {
        if (!configDir.Exists) return false;

        // .wants & co (ignore_destination): the link name is the unit's name, or an instance of it.
        var wants = WantsIndex(configDir);
        if (wants.HasName(info.Name)) return true; // found_path; its own name is always a known name
        foreach (var linkName in wants.WithTemplate(info.Name))
            if (!matchName || IsSymlinkWithKnownName(info, linkName)) return true;

        // The directory itself: links named like the unit, or pointing at a file named like it.
        var links = configDir.Links;
        if (!ignoreSameName && links.HasName(info.Name))
        {
            if (links.TargetBase(info.Name) == info.Name) sameNameLink = true; // e.g. a linked unit file
            else return true;
        }
        foreach (var linkName in links.PointingAt(info.Name))
        {
            var foundPath = !ignoreSameName && linkName == info.Name;
            if (foundPath) continue; // handled above (same-name link)
            if (!matchName || IsSymlinkWithKnownName(info, linkName)) return true;
        }
        return false;
    }

    /// <summary>All links of all .wants/.requires/.upholds sub-directories (real directories only, as d_type == DT_DIR).</summary>
    private SymlinkIndex WantsIndex(DirView configDir)
    {
        if (_wantsIndex.TryGetValue(configDir.Path, out var index)) return index;
        index = new SymlinkIndex([]);
        foreach (var e in configDir.Entries)
        {
            if (e.Kind != EntryKind.Directory) continue;
            var dot = e.Name.LastIndexOf('.');
            if (dot < 0) continue;
            if (e.Name[dot..] is not (".wants" or ".requires" or ".upholds")) continue;
            var sub = tree.SubDir(configDir, e.Name, followLink: false);
            if (sub is null) continue;
            foreach (var link in sub.Entries) index.Add(link);
        }
        _wantsIndex[configDir.Path] = index;
        return index;
    }

    /// <summary>is_symlink_with_known_name(): the unit's own name, an Alias=, or the DefaultInstance instance.</summary>
    private static bool IsSymlinkWithKnownName(InstallInfo info, string name)
    {
        if (name == info.Name) return true;
        foreach (var a in info.Aliases) if (a == name) return true;
        if (info.DefaultInstance is not null && UnitName.IsTemplate(info.Name)
            && UnitName.ReplaceInstance(info.Name, info.DefaultInstance) == name)
            return true;
        return false;
    }
}
