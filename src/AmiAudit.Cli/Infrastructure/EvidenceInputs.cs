namespace AmiAudit.Cli.Infrastructure;

/// <summary>
/// The one place evidence files a user names on the command line (<c>--journal-export FILE</c>) are opened, and a
/// named directory (<c>--journal-dir DIR</c>) is checked, so a shared input-file reader can take over in one edit.
/// A missing file or directory is invalid input (exit 3).
/// </summary>
public static class EvidenceInputs
{
    public static Stream OpenFile(string path, string option)
    {
        if (Directory.Exists(path)) throw new InvalidInputException($"{option} {path}: is a directory, not a file");
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidInputException($"{option} {path}: no such file");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidInputException($"{option} {path}: {e.Message}");
        }
    }

    public static string CheckDirectory(string path, string option) =>
        Directory.Exists(path) ? path : throw new InvalidInputException($"{option} {path}: no such directory");
}
