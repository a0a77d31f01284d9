using AmiAudit.Core.Model;

namespace AmiAudit.Cli.Infrastructure;

public static class SnapshotFiles
{
    /// <summary>Hard cap: a snapshot is facts, not logs; anything larger is not one of ours.</summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    public static Snapshot Load(string path)
    {
        if (!File.Exists(path)) throw new InvalidInputException($"amiaudit: {path}: no such snapshot file");
        if (new FileInfo(path).Length > MaxBytes) throw new InvalidInputException($"{path}:1:1: larger than {MaxBytes / 1024 / 1024} MiB; not a snapshot");
        try
        {
            return SnapshotJson.Deserialize(File.ReadAllText(path), path);
        }
        catch (SnapshotFormatException e)
        {
            throw new InvalidInputException(e.Message);
        }
    }
}
