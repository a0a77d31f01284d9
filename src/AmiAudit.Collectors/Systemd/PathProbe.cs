using AmiAudit.Collectors.RootFs;

namespace AmiAudit.Collectors.Systemd;

/// <summary>Whether a command's executable can be exec()ed in the image.</summary>
internal enum ExecutableState
{
    Ok,
    Missing,
    NotExecutable,
    /// <summary>A "#!" script whose interpreter is not in the image: execve() fails with ENOENT.</summary>
    InterpreterMissing,
}

/// <summary>
/// The file tests conditions and exec checks ask of the image, each path asked once per scan: stat
/// and lstat come from <see cref="UnitTree"/>'s caches, directory listings from its listing cache,
/// and the answers here (executable bit, script interpreter, glob matches) are memoised too.
/// </summary>
internal sealed class PathProbe(UnitTree tree)
{
    /// <summary>DEFAULT_PATH of Debian's systemd 252 (split-usr build): where a bare command name is looked up.</summary>
    public static readonly string[] DefaultSearchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    private readonly Dictionary<string, bool> _executableBit = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ExecutableState, string?)> _executable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool?> _dirNotEmpty = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _glob = new(StringComparer.Ordinal);

    public RootEntry Stat(string path) => tree.Stat(path);

    public RootEntry Lstat(string path) => tree.Lstat(path);

    /// <summary>stat() succeeds and it is a regular file with an x bit (ConditionFileIsExecutable=, access(X_OK) as root).</summary>
    public bool IsExecutableFile(string path)
    {
        var st = tree.Stat(path);
        if (st.Kind != EntryKind.File) return false;
        if (_executableBit.TryGetValue(st.Path, out var x)) return x;
        // RootEntry carries no mode; st.Path is fully resolved inside the root (no link left to
        // follow), so the mode is read from that one host path and no content is opened.
        if (!OperatingSystem.IsLinux()) return true;
        try
        {
            x = (File.GetUnixFileMode(tree.Fs.ToHost(st.Path)) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            x = false;
        }
        _executableBit[st.Path] = x;
        return x;
    }

    /// <summary>
    /// What execve() of this absolute path would meet in the image: a missing file, one without an x
    /// bit, a script whose "#!" interpreter is missing, or nothing wrong. The culprit is the path
    /// that is missing (the interpreter for a script).
    /// </summary>
    public (ExecutableState State, string? Culprit) Executable(string path) => Executable(path, 0);

    private (ExecutableState, string?) Executable(string path, int depth)
    {
        if (_executable.TryGetValue(path, out var r)) return r;
        var st = tree.Stat(path);
        if (st.Kind == EntryKind.Missing) r = (ExecutableState.Missing, path);
        else if (st.Kind != EntryKind.File || !IsExecutableFile(path)) r = (ExecutableState.NotExecutable, path);
        else r = Interpreter(st) is { } interpreter && depth < 4
            ? Executable(interpreter, depth + 1) is (ExecutableState.Ok, _) ? (ExecutableState.Ok, null) : (ExecutableState.InterpreterMissing, interpreter)
            : (ExecutableState.Ok, null);
        _executable[path] = r;
        return r;
    }

    /// <summary>The absolute interpreter of a "#!" script (first word after "#!"), or null. Reads one line at most.</summary>
    private string? Interpreter(RootEntry file)
    {
        if (!tree.Fs.HasPrefix(file.Path, "#!"u8)) return null;
        var line = tree.Fs.ReadLines(file.Path, long.MaxValue, maxLineLength: 512).FirstOrDefault();
        if (line is null || line.Length < 3) return null;
        var words = line[2..].Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 0 && words[0].StartsWith('/') ? words[0] : null;
    }

    /// <summary>find_executable_full() with the default search path: the first executable regular file named so.</summary>
    public string? Search(string name, IReadOnlyList<string>? searchPath = null)
    {
        foreach (var dir in searchPath ?? DefaultSearchPath)
        {
            var candidate = dir.TrimEnd('/') + "/" + name;
            if (IsExecutableFile(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// dir_is_empty(path, ignore_hidden_or_backup=true) as ConditionDirectoryNotEmpty= reads it: true
    /// when a listed entry is not hidden or a backup; false when missing, not a directory or empty;
    /// null when it cannot be listed here (systemd, as root, may be able to).
    /// </summary>
    public bool? DirectoryNotEmpty(string path)
    {
        if (_dirNotEmpty.TryGetValue(path, out var r)) return r;
        var st = tree.Stat(path);
        if (st.Kind != EntryKind.Directory) r = false;
        else
        {
            var view = tree.Dir(path);
            r = view.Entries.Count > 0 ? true : CanList(st.Path) ? false : null;
        }
        _dirNotEmpty[path] = r;
        return r;
    }

    private bool CanList(string resolvedDir)
    {
        try
        {
            using var e = Directory.EnumerateFileSystemEntries(tree.Fs.ToHost(resolvedDir)).GetEnumerator();
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>glob_exists(pattern) (glob(3) with GLOB_NOSORT|GLOB_BRACE): does anything in the image match?</summary>
    public bool GlobExists(string pattern)
    {
        if (_glob.TryGetValue(pattern, out var r)) return r;
        r = false;
        foreach (var alternative in Glob.ExpandBraces(pattern, limit: 256))
        {
            if (Walk("/", alternative.Split('/', StringSplitOptions.RemoveEmptyEntries), 0))
            {
                r = true;
                break;
            }
        }
        _glob[pattern] = r;
        return r;
    }

    private bool Walk(string dir, string[] parts, int index)
    {
        if (index == parts.Length) return true;
        var part = parts[index];
        var last = index == parts.Length - 1;
        string Child(string name) => dir == "/" ? "/" + name : dir + "/" + name;
        if (!Glob.HasMagic(part))
        {
            var literal = Glob.Unescape(part);
            var path = Child(literal);
            // The last component only has to exist as an entry; the others must be directories.
            return last ? tree.Lstat(path).Kind != EntryKind.Missing : tree.Stat(path).Kind == EntryKind.Directory && Walk(path, parts, index + 1);
        }
        if (tree.Stat(dir).Kind != EntryKind.Directory) return false;
        foreach (var e in tree.AllEntries(dir))
        {
            if (!Glob.Match(part, e.Name, period: true)) continue;
            var path = Child(e.Name);
            if (last || (tree.Stat(path).Kind == EntryKind.Directory && Walk(path, parts, index + 1))) return true;
        }
        return false;
    }
}
