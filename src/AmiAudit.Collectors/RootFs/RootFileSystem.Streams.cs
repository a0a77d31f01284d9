namespace AmiAudit.Collectors.RootFs;

public sealed partial class RootFileSystem
{
    /// <summary>
    /// Opens a regular file inside the root for streaming (logs of any size are read block by block, never
    /// whole): the same confinement as <see cref="ReadText"/> — re-rooted links, no FIFOs/devices, noted
    /// when skipped. The caller caps what it reads. Null for a missing or non-regular file.
    /// </summary>
    public Stream? OpenStream(string path, out string resolvedPath, out long size)
    {
        var file = OpenRegular(path);
        if (file is null)
        {
            resolvedPath = "";
            size = 0;
            return null;
        }
        resolvedPath = file.Name;
        size = file.Size;
        return file.Detach();
    }

    /// <summary>Host path of an in-root path that <see cref="Resolve"/> returned (every component a real
    /// directory, no link left), for a tool that must open the file itself (journalctl --file).</summary>
    public string HostPathOfResolved(string resolvedInRootPath) => ToHost(resolvedInRootPath);
}
