using System.Collections;
using System.Reflection;
using System.Text;
using AmiAudit.Core.Diff;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;

namespace AmiAudit.Core.Tests.Redaction;

/// <summary>
/// The structural pass (<see cref="SnapshotRedaction"/>): every string a snapshot can hold goes through the
/// redactor, wherever a snapshot is made or read, so a collector that forgets to redact cannot leak.
/// </summary>
public class SnapshotRedactionTests
{
    [Fact]
    public void Every_string_the_model_can_hold_is_redacted()
    {
        // Reflection fills every string, list element, dictionary key and value reachable from Snapshot with a
        // unique token. A property the pass does not visit (e.g. one a later change adds to the model, or a
        // new property type) keeps its token and this test names it.
        var planted = new List<(string Where, string Secret)>();
        var full = (Snapshot)Fill(typeof(Snapshot), "snapshot", planted, depth: 0);
        planted.Count.ShouldBeGreaterThan(80);
        var raw = SnapshotJson.SerializeSorted(full, SnapshotJson.Options);
        foreach (var (where, secret) in planted) raw.ShouldContain(secret, customMessage: $"negative control: {where} was planted");

        var json = SnapshotJson.Serialize(SnapshotRedaction.Redact(full));
        var leaked = planted.Where(p => json.Contains(p.Secret, StringComparison.Ordinal)).Select(p => p.Where).ToList();
        leaked.ShouldBeEmpty("model strings the redaction pass does not visit");
    }

    [Fact]
    public void Dictionary_entries_with_secret_names_are_masked_whole_and_keys_are_redacted_too()
    {
        var s = new Snapshot
        {
            Containers =
            [
                new ContainerFact
                {
                    Name = "agent",
                    Image = "deploy:Zq8vLm3xQ7@registry.example.com/team/agent:1.4",
                    Labels = new(StringComparer.Ordinal)
                    {
                        ["com.example.api-key"] = "plain words",
                        ["com.example.db.password"] = "hunter2",
                        ["maintainer"] = "team@example.com",
                        [SecretShapesTests.GitHubPat] = "x",
                    },
                },
            ],
            Target = new TargetInfo { Labels = new(StringComparer.Ordinal) { ["deploy-token"] = "Zq8vLm3x", ["pool"] = "gpu" } },
        };
        var r = SnapshotRedaction.Redact(s);
        var c = r.Containers.ShouldHaveSingleItem();
        c.Image.ShouldBe("REDACTED@registry.example.com/team/agent:1.4");
        c.Labels["com.example.api-key"].ShouldBe("REDACTED");
        c.Labels["com.example.db.password"].ShouldBe("REDACTED");
        c.Labels["maintainer"].ShouldBe("team@example.com");
        c.Labels.Keys.ShouldNotContain(SecretShapesTests.GitHubPat);
        r.Target.Labels["deploy-token"].ShouldBe("REDACTED");
        r.Target.Labels["pool"].ShouldBe("gpu");
        s.Containers[0].Labels["com.example.db.password"].ShouldBe("hunter2", "the pass returns a new snapshot; the input is not changed");
    }

    [Fact]
    public void A_clean_snapshot_comes_back_as_the_same_instance()
    {
        var s = TestFleetNode();
        ReferenceEquals(SnapshotRedaction.Redact(s), s).ShouldBeTrue();
    }

    [Fact]
    public void Redacting_twice_changes_nothing()
    {
        var planted = new List<(string, string)>();
        var once = SnapshotRedaction.Redact((Snapshot)Fill(typeof(Snapshot), "snapshot", planted, 0));
        var twice = SnapshotRedaction.Redact(once);
        ReferenceEquals(once, twice).ShouldBeTrue();
    }

    [Fact]
    public void Probe_facts_read_from_the_host_are_redacted()
    {
        var facts = new ProbeFacts
        {
            Ena = new EnaProbe { Detail = $"kernel line quoted: agent --token={SecretShapesTests.GitHubPat}", Interfaces = [new EnaInterface { Name = "eth0", Reasons = [$"curl {SecretShapesTests.Jwt}"] }] },
            Cpu = new CpuProbe { Cores = [new CoreReading { TopProcesses = [new ProcessShare { Comm = SecretShapesTests.AwsKeyId }] }] },
        };
        var json = SnapshotJson.Serialize(new Snapshot { Probes = SnapshotRedaction.Redact(facts) });
        json.ShouldNotContain(SecretShapesTests.GitHubPat);
        json.ShouldNotContain(SecretShapesTests.Jwt);
        json.ShouldNotContain(SecretShapesTests.AwsKeyId);
    }

    [Fact]
    public void Snapshots_read_from_files_are_redacted_too()
    {
        // A snapshot written by an older amiaudit (or by hand) that still holds a secret: both readers clean it.
        var old = TestFleetNode() with
        {
            Containers = [new ContainerFact { Name = "a", Image = "registry.example.com/a:1", Labels = new(StringComparer.Ordinal) { ["api-token"] = "Zq8vLm3x" } }],
        };
        old = old with { Systemd = old.Systemd with { Units = [old.Systemd.Units[0] with { ExecStart = [$"/usr/bin/agent --token={SecretShapesTests.GitHubPat}"] }] } };
        var json = SnapshotJson.SerializeSorted(old, SnapshotJson.Options);
        json.ShouldContain(SecretShapesTests.GitHubPat);

        SnapshotJson.Serialize(SnapshotJson.Deserialize(json, "old.json")).ShouldNotContain(SecretShapesTests.GitHubPat);
        SnapshotJson.Serialize(SnapshotJson.Deserialize(json, "old.json")).ShouldNotContain("Zq8vLm3x");
        // The diff's fast reader redacts as it reads (once per distinct string per thread, so a fleet pays nothing).
        SnapshotUtf8Reader.TryRead(Encoding.UTF8.GetBytes(json), out var fast).ShouldBeTrue();
        SnapshotJson.Serialize(fast!).ShouldNotContain(SecretShapesTests.GitHubPat);
        SnapshotJson.Serialize(fast!).ShouldNotContain("Zq8vLm3x");
    }

    [Fact]
    public void The_fast_reader_redacts_exactly_like_the_structural_pass()
    {
        // Every string of the model holds a different secret shape (or plain words under a secret-looking label
        // key, which only key context masks): the diff's hand-written reader must give what the serializer plus
        // the structural pass give — a reader change that drops a redaction fails here.
        var shapes = new[]
        {
            $"--token={SecretShapesTests.GitHubPat} --v=2", $"curl -H 'Authorization: Bearer {SecretShapesTests.Jwt}'", $"deploy:Zq8vLm3xQ7@registry.example.com/a:1",
            $"with token {SecretShapesTests.JoinToken}", "plain words", $"DB_PASSWORD=hunter2 AKIA: {SecretShapesTests.AwsKeyId}",
            $"https://u:pw@h.example/x?X-Amz-Signature=9c4e1b7a3f2d8e6c5b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c", new string('x', 200) + " --password=Zq8vLm3x",
        };
        var n = 0;
        var full = (Snapshot)FillWith(typeof(Snapshot), () => shapes[n++ % shapes.Length], 0);
        full = full with
        {
            Target = full.Target with { Labels = new(StringComparer.Ordinal) { ["api-key"] = "plain words", ["pool"] = "gpu", [SecretShapesTests.GitHubPat] = "a", ["ghp_Wq3nB8xK2mZ7cV4tY9rL1pD6hF0sJ5gA8uE2"] = "b" } },
        };
        var json = SnapshotJson.SerializeSorted(full, SnapshotJson.Options);
        SnapshotUtf8Reader.TryRead(Encoding.UTF8.GetBytes(json), out var fast).ShouldBeTrue();
        var expected = SnapshotRedaction.Redact(System.Text.Json.JsonSerializer.Deserialize(json, SnapshotJson.Info<Snapshot>(SnapshotJson.Options))!);
        SnapshotJson.Serialize(fast!).ShouldBe(SnapshotJson.Serialize(expected));
        fast!.Target.Labels["api-key"].ShouldBe("REDACTED");
        fast.Target.Labels.Count.ShouldBe(4, "two label names that redact alike keep both entries");
    }

    /// <summary>
    /// Model property names are not data, so they give no context — except that a property whose own name
    /// looks secret would be a secret field, and must be decided here when it is added: masked whole (add it
    /// to nothing — the pass masks it) or listed as a known non-secret (S3Key is an object key, not a key).
    /// </summary>
    [Fact]
    public void Model_properties_named_like_secrets_are_a_decision()
    {
        var names = ModelTypes().SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(p => SecretNames.IsSecretName(p.Name)).Select(p => $"{p.DeclaringType!.Name}.{p.Name}").ToList();
        names.ShouldBe(["UrlFact.S3Key"], ignoreOrder: true);
        SnapshotRedaction.NotSecretProperties.ShouldBe(["s3Key"]);
        var s = new Snapshot { Bootstrap = new BootstrapFacts { Urls = [new UrlFact { S3Key = "1.29.3/bin/linux/amd64/kubelet" }] } };
        SnapshotRedaction.Redact(s).Bootstrap.Urls[0].S3Key.ShouldBe("1.29.3/bin/linux/amd64/kubelet");
    }

    private static Snapshot TestFleetNode() => AmiAudit.Core.Tests.Diff.TestFleet.Node(1);

    private static IEnumerable<Type> ModelTypes() =>
        typeof(Snapshot).Assembly.GetTypes().Where(t => t.Namespace == typeof(Snapshot).Namespace && t.IsClass && t.IsPublic && !t.IsAbstract
            && t.GetProperties().Length > 0 && t.GetConstructor(Type.EmptyTypes) is not null);

    // ---- reflection filler: a unique token per string -------------------------------------------------------

    private static int _n;

    private static string Token(string where, List<(string, string)> planted)
    {
        // ghp_ + 36 base62: a shape every rule set must recognise, unique per property so a leak names it.
        var n = Interlocked.Increment(ref _n);
        var body = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(where + n)))
            .Replace("+", "", StringComparison.Ordinal).Replace("/", "", StringComparison.Ordinal).Replace("=", "", StringComparison.Ordinal)[..36];
        var token = "ghp_" + body;
        planted.Add((where, token));
        return token;
    }

    private static object FillWith(Type type, Func<string> text, int depth)
    {
        var o = Activator.CreateInstance(type)!;
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            object value = p.Name == nameof(Snapshot.Schema) && type == typeof(Snapshot) ? Snapshot.CurrentSchema
                : t == typeof(string) ? text()
                : t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>) && t.GetGenericArguments()[0] == typeof(string) ? new List<string> { text(), text() }
                : t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>) && depth < 8 ? FillList(t, text, depth)
                : t.IsClass && !t.IsGenericType && depth < 8 ? FillWith(t, text, depth + 1)
                : p.GetValue(o)!;
            if (value is not null) p.SetValue(o, value);
        }
        return o;
    }

    private static IList FillList(Type listType, Func<string> text, int depth)
    {
        var list = (IList)Activator.CreateInstance(listType)!;
        list.Add(FillWith(listType.GetGenericArguments()[0], text, depth + 1));
        return list;
    }

    private static object Fill(Type type, string where, List<(string, string)> planted, int depth)
    {
        var o = Activator.CreateInstance(type)!;
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var at = $"{where}.{p.Name}";
            p.SetValue(o, p.Name == nameof(Snapshot.Schema) && type == typeof(Snapshot) ? Snapshot.CurrentSchema : Value(p.PropertyType, at, p.GetValue(o), planted, depth));
        }
        return o;
    }

    private static object Value(Type t, string where, object? current, List<(string, string)> planted, int depth)
    {
        var u = Nullable.GetUnderlyingType(t) ?? t;
        if (u == typeof(string)) return Token(where, planted);
        if (u == typeof(bool)) return current is bool b ? !b : true;
        if (u == typeof(int)) return 7;
        if (u == typeof(long)) return 70L;
        if (u == typeof(double)) return 2.5;
        if (u == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 3, 1, 12, 30, 0, TimeSpan.Zero);
        if (u.IsGenericType && u.GetGenericTypeDefinition() == typeof(List<>))
        {
            var list = (IList)Activator.CreateInstance(u)!;
            var item = u.GetGenericArguments()[0];
            list.Add(Value(item, where + "[0]", null, planted, depth + 1));
            list.Add(Value(item, where + "[1]", null, planted, depth + 1));
            return list;
        }
        if (u.IsGenericType && u.GetGenericTypeDefinition() == typeof(SortedDictionary<,>))
        {
            var dict = (IDictionary)Activator.CreateInstance(u, StringComparer.Ordinal)!;
            dict[Token(where + ".key", planted)] = Value(u.GetGenericArguments()[1], where + ".value", null, planted, depth + 1);
            return dict;
        }
        if (u.IsClass && depth < 8) return Fill(u, where, planted, depth + 1);
        throw new InvalidOperationException($"no filler for {t} ({where}): teach this test and SnapshotRedaction the new type");
    }
}
