using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace AmiAudit.Cli.Infrastructure.Io;

/// <summary>
/// The one way every verb writes its <c>-o/--output/--out</c>:
/// <list type="bullet">
/// <item>no option or <c>-</c>: standard output;</item>
/// <item>an existing character device, FIFO or socket (<c>/dev/null</c>, <c>/dev/stdout</c>, a named pipe): written
/// through — opened for writing, no temp file, no rename, so <c>/dev/null</c> stays a device;</item>
/// <item>a regular file or a new path: a temp file with a unique name, created exclusively in the <b>same
/// directory</b>, written, fsync'ed, then renamed over the target (a symlink is followed: the file it points to
/// is replaced, the link stays). A reader sees the old file or the whole new one, never half of it.</item>
/// </list>
/// Every failure (a directory, an empty path, a read-only or full file system, permission denied) is an
/// <see cref="OutputException"/>: exit 74 with one line, the temp file removed.
/// </summary>
public static class OutputFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static bool IsStandardOutput(string? path) => path is null or "-";

    public static void Write(CliContext context, string? path, string content)
    {
        context.Interruption.ThrowIfRequested();
        if (IsStandardOutput(path))
        {
            context.Out.Write(content);
            context.Out.Flush();
            return;
        }
        var output = path!;
        if (output.Length == 0) throw new OutputException(output, "empty path");
        try
        {
            var status = Posix.StatPath(output);
            switch (status.Kind)
            {
                case FileKind.CharDevice or FileKind.Fifo:
                    WriteThrough(output, content);
                    return;
                case FileKind.Socket:
                    WriteToSocket(output, content);
                    return;
                case FileKind.Directory:
                    throw new OutputException(output, "is a directory");
                case FileKind.BlockDevice or FileKind.Other:
                    throw new OutputException(output, $"{Posix.Describe(status.Kind)}; refusing to overwrite it with a report");
                default:
                    ReplaceAtomically(context, output, status, content);
                    return;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or SocketException)
        {
            throw new OutputException(output, Reason(e));
        }
    }

    /// <summary>Devices and FIFOs: open for writing and write; O_TRUNC would be meaningless, rename would replace the node.</summary>
    private static void WriteThrough(string path, string content)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
        stream.Write(Utf8.GetBytes(content));
        stream.Flush();
    }

    /// <summary>open(2) cannot write to a socket; connect to it (a collector listening on a unix socket).</summary>
    private static void WriteToSocket(string path, string content)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        socket.Send(Utf8.GetBytes(content));
        socket.Shutdown(SocketShutdown.Send);
    }

    private static void ReplaceAtomically(CliContext context, string path, FileStatus existing, string content)
    {
        // Follow a symlink to the file it names: the link is kept and its target replaced, as `>` would.
        var target = existing.Kind == FileKind.Regular && new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true) is { } link
            ? link.FullName
            : Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(dir)) Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, $".{Path.GetFileName(target)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        var interruption = context.Interruption;
        // CreateNew = O_CREAT|O_EXCL: never opens something that is already there (a planted symlink or FIFO).
        var stream = interruption.CreateTemp(temp, () => new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1));
        try
        {
            using (stream)
            {
                if (existing.Kind == FileKind.Regular && !OperatingSystem.IsWindows())
                    File.SetUnixFileMode(stream.SafeFileHandle, (UnixFileMode)existing.Mode); // keep a 0600 report 0600
                stream.Write(Utf8.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }
            interruption.CommitTemp(temp, target);
        }
        catch
        {
            interruption.DiscardTemp(temp);
            throw;
        }
    }

    /// <summary>The errno's words ("no space left on device", "read-only file system", "permission denied").</summary>
    private static string Reason(Exception e)
    {
        if (e is UnauthorizedAccessException) return "permission denied";
        if (e is SocketException s) return s.Message;
        if (e is IOException && e.HResult is > 0 and < 4096) return Posix.ErrnoText(e.HResult);
        return e is DirectoryNotFoundException ? "no such directory" : e.Message;
    }
}
