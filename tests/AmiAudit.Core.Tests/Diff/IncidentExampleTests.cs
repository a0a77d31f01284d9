using AmiAudit.Core.Model;

namespace AmiAudit.Core.Tests.Diff;

// Inside the namespace: Shouldly brings a global 'DiffEngine' namespace that would otherwise win.
using AmiAudit.Core.Diff;

/// <summary>examples/incident/** is committed output of <see cref="IncidentFleet"/>; AMIAUDIT_UPDATE_GOLDEN=1 rewrites it.</summary>
public class IncidentExampleTests
{
    private static string Dir => Path.Combine(RepoPaths.Root, "examples", "incident");

    [Fact]
    public void Committed_incident_snapshots_match_the_reconstruction_and_load()
    {
        foreach (var (path, snapshot) in IncidentFleet.All())
        {
            var file = Path.Combine(Dir, path);
            var json = SnapshotJson.Serialize(snapshot);
            if (RepoPaths.UpdateGolden)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllText(file, json);
            }
            File.Exists(file).ShouldBeTrue($"{file} is missing; run with AMIAUDIT_UPDATE_GOLDEN=1");
            var text = File.ReadAllText(file);
            text.ShouldBe(json, $"{file} differs from IncidentFleet");
            SnapshotJson.Deserialize(text, file).Schema.ShouldBe(Snapshot.CurrentSchema);
        }
    }

    [Fact]
    public void The_committed_files_give_the_same_diff_as_the_in_memory_fleet()
    {
        IEnumerable<Snapshot> Load(string zone) =>
            Directory.GetFiles(Path.Combine(Dir, zone), "*.json").Order(StringComparer.Ordinal).Select(f => SnapshotJson.Deserialize(File.ReadAllText(f), f));
        var options = new DiffOptions { NameA = "zone-a", NameB = "zone-b" };
        var fromFiles = DiffEngine.ToJson(DiffEngine.Compare(Load("zone-a"), Load("zone-b"), options));
        var inMemory = DiffEngine.ToJson(DiffEngine.Compare(IncidentFleet.Zone('a'), IncidentFleet.Zone('b'), options));
        fromFiles.ShouldBe(inMemory);
        fromFiles.ShouldContain("\"schema\": \"amiaudit.diff/v1\"");
    }
}
