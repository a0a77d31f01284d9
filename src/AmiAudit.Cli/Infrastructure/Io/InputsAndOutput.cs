namespace AmiAudit.Cli.Infrastructure.Io;

/// <summary>A file or folder a verb reads: <see cref="Option"/> names it in messages ("--snapshot", "side A").
/// For a folder, <see cref="ReadsFile"/> says which file names in it are read (*.json, *.yaml).</summary>
public sealed record InputRef(string Option, string Path, Func<string, bool>? ReadsFile = null)
{
    public static InputRef Folder(string option, string path, Func<string, bool> readsFile) => new(option, path, readsFile);

    public static bool Json(string name) => name.EndsWith(".json", StringComparison.Ordinal);

    public static bool Yaml(string name) => name.EndsWith(".yaml", StringComparison.Ordinal) || name.EndsWith(".yml", StringComparison.Ordinal);
}

/// <summary>
/// Refuses an output that is one of the verb's inputs (<c>diff a.json b.json -o a.json</c>,
/// <c>scan --snapshot s -o s</c>, <c>-o</c> onto a policy, waiver or amiaudit.yaml, or a file a diff folder
/// would read): the run would replace what it reads. Checked before any work, exit 2.
/// Identity is device + inode when the output exists (symlinks, <c>./a.json</c> and hard links all match), and
/// the parent directory's identity + the file name otherwise.
/// </summary>
public static class InputsAndOutput
{
    public static void EnsureDistinct(string? output, IEnumerable<InputRef> inputs)
    {
        if (OutputFile.IsStandardOutput(output) || output!.Length == 0) return;
        var outStatus = Posix.StatPath(output);
        // Writing through a device or FIFO replaces nothing; a directory is refused by the writer.
        if (outStatus.Kind is not (FileKind.Regular or FileKind.Missing)) return;
        var outName = Path.GetFileName(Path.GetFullPath(output));
        var outParent = Posix.StatPath(Path.GetDirectoryName(Path.GetFullPath(output)) ?? "/");

        foreach (var input in inputs)
        {
            var inStatus = Posix.StatPath(input.Path);
            var clash = input.ReadsFile is null
                ? SameFile(output, outStatus, outName, outParent, input.Path, inStatus)
                : inStatus.Kind == FileKind.Directory && InFolder(outStatus, outName, outParent, input.Path, inStatus, input.ReadsFile);
            if (clash)
                throw new UsageException($"--output {output} is also an input ({input.Option} {input.Path}); refusing to overwrite what this run reads — write the output elsewhere");
        }
    }

    private static bool SameFile(string output, FileStatus outStatus, string outName, FileStatus outParent, string input, FileStatus inStatus)
    {
        if (outStatus.Kind == FileKind.Regular && inStatus.Kind == FileKind.Regular) return outStatus.Id == inStatus.Id;
        if (outStatus.Kind == FileKind.Missing && inStatus.Kind == FileKind.Missing)
        {
            // Neither exists yet (the input error comes later), but the same name is still the same file.
            var inParent = Posix.StatPath(Path.GetDirectoryName(Path.GetFullPath(input)) ?? "/");
            return string.Equals(outName, Path.GetFileName(Path.GetFullPath(input)), StringComparison.Ordinal)
                   && (outParent.Kind == FileKind.Missing ? string.Equals(Path.GetFullPath(output), Path.GetFullPath(input), StringComparison.Ordinal) : outParent.Id == inParent.Id);
        }
        return false;
    }

    private static bool InFolder(FileStatus outStatus, string outName, FileStatus outParent, string folder, FileStatus folderStatus, Func<string, bool> readsFile)
    {
        // A (new or existing) file the folder would read: the next run would read the report as an input.
        if (outParent.Kind == FileKind.Directory && outParent.Id == folderStatus.Id && readsFile(outName)) return true;
        if (outStatus.Kind != FileKind.Regular) return false;
        // A hard link (or symlink) elsewhere to a file the folder reads.
        foreach (var file in Directory.EnumerateFiles(folder))
            if (readsFile(Path.GetFileName(file)) && Posix.StatPath(file) is { Kind: FileKind.Regular } s && s.Id == outStatus.Id) return true;
        return false;
    }
}
