using AmiAudit.Collectors.RootFs;

namespace AmiAudit.Collectors.Systemd;

/// <summary>
/// Read-once view of the unit directories of one root. Every directory is listed once (a directory
/// reached twice, like /lib/systemd/system and /usr/lib/systemd/system on a merged-/usr root, is
/// listed once and shared), every file is read and parsed once, every stat is cached. The install
/// logic then asks thousands of "is there a foo.service.d here" questions against memory, the way
/// systemd's unit_path_cache does, instead of the file system.
/// </summary>
internal sealed class UnitTree
{
    private readonly Dictionary<string, DirView> _dirsByPath = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<RootEntry>> _listingByResolved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<RootEntry>> _rawByResolved = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UnitFileText?> _parsed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RootEntry> _lstat = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RootEntry> _stat = new(StringComparer.Ordinal);

    public UnitTree(RootFileSystem fs)
    {
        Fs = fs;
        SearchDirs = [.. UnitSearchPath.System.Select(d => Dir(d.Path))];
    }

    public RootFileSystem Fs { get; }

    /// <summary>The search path, highest priority first; missing directories have no entries.</summary>
    public IReadOnlyList<DirView> SearchDirs { get; }

    public bool AnyUnitDirectory => SearchDirs.Any(d => d.Exists);

    /// <summary>A directory as seen by readdir(3): entries with their lstat type, hidden/backup names dropped.</summary>
    public DirView Dir(string path)
    {
        if (_dirsByPath.TryGetValue(path, out var view)) return view;
        var resolved = Fs.Resolve(path);
        IReadOnlyList<RootEntry> entries = [];
        var exists = false;
        if (resolved is not null && CachedLstat(resolved).Kind == EntryKind.Directory)
        {
            exists = true;
            if (!_listingByResolved.TryGetValue(resolved, out var listed))
            {
                listed = [.. Raw(resolved).Where(e => !IsHiddenOrBackup(e.Name))];
                _listingByResolved[resolved] = listed;
            }
            entries = listed;
        }
        view = new DirView(path, exists, entries);
        _dirsByPath[path] = view;
        return view;
    }

    /// <summary>Every entry of a directory, hidden and backup names included (what glob(3) sees); listed once.</summary>
    public IReadOnlyList<RootEntry> AllEntries(string path)
    {
        var resolved = Fs.Resolve(path);
        return resolved is not null && CachedLstat(resolved).Kind == EntryKind.Directory ? Raw(resolved) : [];
    }

    private IReadOnlyList<RootEntry> Raw(string resolved)
    {
        if (!_rawByResolved.TryGetValue(resolved, out var raw))
        {
            raw = Fs.List(resolved);
            _rawByResolved[resolved] = raw;
        }
        return raw;
    }

    /// <summary>lstat of an in-root path (the last component is not followed), cached; answered from
    /// the parent's listing when that directory was already listed.</summary>
    public RootEntry Lstat(string path)
    {
        if (_lstat.TryGetValue(path, out var e)) return e;
        var slash = path.LastIndexOf('/');
        if (slash >= 0 && _dirsByPath.TryGetValue(slash == 0 ? "/" : path[..slash], out var parent) && parent.Exists)
        {
            var name = path[(slash + 1)..];
            e = parent.Get(name) ?? new RootEntry(path, name, EntryKind.Missing, 0, null);
        }
        else e = Fs.Lstat(path);
        _lstat[path] = e;
        return e;
    }

    /// <summary>stat of an in-root path (every link followed inside the root), cached. A link is
    /// followed from its own resolved location (lstat reports it with a link-free parent), so ".."
    /// in a relative target is exact; loops end in RootFileSystem, which notes them.</summary>
    public RootEntry Stat(string path) => Stat(path, 0);

    private RootEntry Stat(string path, int depth)
    {
        if (_stat.TryGetValue(path, out var e)) return e;
        var l = Lstat(path);
        if (l.Kind != EntryKind.Symlink)
            e = IsListedParent(path) || l.Kind == EntryKind.Missing ? l : Fs.Stat(path);
        else if (depth < RootFileSystem.MaxLinks && l.LinkTarget is { Length: > 0 } target)
            e = Stat(RootFileSystem.Normalize(target[0] == '/' ? target : UnitSearchPath.Parent(l.Path) + "/" + target), depth + 1);
        else
            e = Fs.Stat(path);
        _stat[path] = e;
        return e;
    }

    private bool IsListedParent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash >= 0 && _dirsByPath.TryGetValue(slash == 0 ? "/" : path[..slash], out var parent) && parent.Exists;
    }

    /// <summary>The parsed text of a regular file (following links inside the root), read once; null if unreadable.</summary>
    public UnitFileText? Parsed(string path)
    {
        if (_parsed.TryGetValue(path, out var p)) return p;
        // A listed regular file is read by its resolved path: fewer links to walk again.
        var l = Lstat(path);
        var text = Fs.ReadText(l.Kind == EntryKind.File && IsListedParent(path) ? l.Path : path, MaxUnitFileBytes);
        p = text is null ? null : UnitFileParser.Parse(path, text);
        _parsed[path] = p;
        return p;
    }

    /// <summary>systemd refuses lines over 1 MiB (LONG_LINE_MAX); a unit file larger than a few MiB is hostile.</summary>
    public const long MaxUnitFileBytes = 4 * 1024 * 1024;

    private RootEntry CachedLstat(string resolved)
    {
        if (_lstat.TryGetValue(resolved, out var e)) return e;
        e = Fs.Lstat(resolved);
        _lstat[resolved] = e;
        return e;
    }

    /// <summary>hidden_or_backup_file() from systemd: readdir loops (FOREACH_DIRENT) skip these names.</summary>
    public static bool IsHiddenOrBackup(string name)
    {
        if (name.Length == 0 || name[0] == '.' || name.EndsWith('~')) return true;
        if (name is "lost+found" or "aquota.user" or "aquota.group") return true;
        var dot = name.LastIndexOf('.');
        if (dot < 0) return false;
        return name[(dot + 1)..] is "rpmnew" or "rpmsave" or "rpmorig" or "dpkg-old" or "dpkg-new" or "dpkg-tmp"
            or "dpkg-dist" or "dpkg-bak" or "dpkg-backup" or "dpkg-remove" or "ucf-new" or "ucf-old" or "ucf-dist"
            or "swp" or "bak" or "old" or "new";
    }
}

/// <summary>One directory's entries, by name; paths are built from <see cref="Path"/> (not the resolved one).</summary>
internal sealed class DirView
{
    private readonly Dictionary<string, RootEntry> _byName;

    public DirView(string path, bool exists, IReadOnlyList<RootEntry> entries)
    {
        Path = path;
        Exists = exists;
        Entries = entries;
        _byName = new Dictionary<string, RootEntry>(entries.Count, StringComparer.Ordinal);
        foreach (var e in entries) _byName[e.Name] = e;
    }

    public string Path { get; }
    public bool Exists { get; }
    public IReadOnlyList<RootEntry> Entries { get; }

    public RootEntry? Get(string name) => _byName.GetValueOrDefault(name);

    private SymlinkIndex? _links;

    /// <summary>Symlinks of this directory indexed by name, by template of the name, and by target basename.</summary>
    public SymlinkIndex Links => _links ??= new SymlinkIndex(Entries);

    public string Child(string name) => Path == "/" ? "/" + name : Path + "/" + name;
}

internal static class UnitTreeExtensions
{
    /// <summary>
    /// A sub-directory of a listed directory, without touching the disk when the parent listing shows
    /// no such entry. <paramref name="followLink"/> = false mirrors checks on d_type == DT_DIR.
    /// </summary>
    public static DirView? SubDir(this UnitTree tree, DirView parent, string name, bool followLink)
    {
        var e = parent.Get(name);
        if (e is null) return null;
        if (e.Kind == EntryKind.Directory || (followLink && e.Kind == EntryKind.Symlink))
        {
            var view = tree.Dir(parent.Child(name));
            return view.Exists ? view : null;
        }
        return null;
    }
}

/// <summary>
/// The symlinks of one directory, indexed the three ways find_symlinks_in_directory() matches them,
/// so a state lookup touches only candidate links instead of every link of every .wants directory.
/// </summary>
internal sealed class SymlinkIndex
{
    private static readonly List<string> None = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _byTemplate = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _byTargetBase = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _targetBaseByName = new(StringComparer.Ordinal);

    public SymlinkIndex(IEnumerable<RootEntry> entries)
    {
        foreach (var e in entries) Add(e);
    }

    public void Add(RootEntry e)
    {
        if (e.Kind != EntryKind.Symlink) return;
        _names.Add(e.Name);
        if (UnitName.Template(e.Name) is { } template) Append(_byTemplate, template, e.Name);
        if (e.LinkTarget is { } target)
        {
            var slash = target.LastIndexOf('/');
            var targetBase = slash < 0 ? target : target[(slash + 1)..];
            Append(_byTargetBase, targetBase, e.Name);
            _targetBaseByName[e.Name] = targetBase;
        }
    }

    public bool HasName(string name) => _names.Contains(name);

    /// <summary>Names of links whose unit_name_template() is <paramref name="template"/>.</summary>
    public List<string> WithTemplate(string template) => _byTemplate.GetValueOrDefault(template) ?? None;

    /// <summary>Names of links whose target's basename is <paramref name="name"/>.</summary>
    public List<string> PointingAt(string name) => _byTargetBase.GetValueOrDefault(name) ?? None;

    public string? TargetBase(string name) => _targetBaseByName.GetValueOrDefault(name);

    private static void Append(Dictionary<string, List<string>> d, string key, string value)
    {
        if (!d.TryGetValue(key, out var list)) d[key] = list = [];
        list.Add(value);
    }
}
