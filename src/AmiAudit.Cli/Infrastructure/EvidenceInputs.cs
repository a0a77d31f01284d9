using AmiAudit.Cli.Infrastructure.Io;

namespace AmiAudit.Cli.Infrastructure;

/// <summary>
/// The one place evidence files a user names on the command line (<c>--journal-export FILE</c>) are opened, and a
/// named directory (<c>--journal-dir DIR</c>) is checked, so a shared input-file reader can take over in one edit.
/// A missing file or directory is invalid input (exit 3).
/// </summary>
public static class EvidenceInputs
{
    /// <summary>A journal export is streamed, never held whole; the cap only stops a /dev/zero-like input.</summary>
    public const long JournalExportMaxBytes = 4L << 30;

    public static Stream OpenFile(string path, string option)
    {
        try
        {
            return new BufferedStream(InputFile.OpenStream(path, JournalExportMaxBytes), 1 << 16);
        }
        catch (InputFileException e)
        {
            throw new InvalidInputException(e.Reason == "no such file" ? $"{option} {path}: no such file" : $"{path}:1:1: {e.Reason}; not a journal export");
        }
    }

    public static string CheckDirectory(string path, string option) =>
        Directory.Exists(path) ? path : throw new InvalidInputException($"{option} {path}: no such directory");
}
