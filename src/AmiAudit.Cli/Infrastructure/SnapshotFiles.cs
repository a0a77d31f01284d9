using AmiAudit.Cli.Infrastructure.Io;
using AmiAudit.Core.Model;

namespace AmiAudit.Cli.Infrastructure;

public static class SnapshotFiles
{
    /// <summary>Hard cap: a snapshot is facts, not logs; anything larger is not one of ours.</summary>
    public const long MaxBytes = InputFile.SnapshotMaxBytes;

    /// <summary>A snapshot named directly (<c>scan --snapshot</c>): anything but a regular file under the cap is exit 3.</summary>
    public static Snapshot Load(string path)
    {
        string text;
        try
        {
            text = InputFile.ReadAllText(path, MaxBytes);
        }
        catch (InputFileException e)
        {
            throw new InvalidInputException(e.Reason == "no such file"
                ? $"amiaudit: {path}: no such snapshot file"
                : $"{path}:1:1: {e.Reason}; not a snapshot");
        }
        try
        {
            return SnapshotJson.Deserialize(text, path);
        }
        catch (SnapshotFormatException e)
        {
            throw new InvalidInputException(e.Message);
        }
    }
}
