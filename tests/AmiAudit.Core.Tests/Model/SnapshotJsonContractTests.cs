using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AmiAudit.Core.Diff;
using AmiAudit.Core.Model;

namespace AmiAudit.Core.Tests.Model;

/// <summary>
/// The JSON contracts are source-generated (the CLI is a NativeAOT binary, where reflection-built
/// contracts do not exist). These tests hold the two things generation does not give for free:
/// enums written as names, and model defaults kept for keys a file leaves out.
/// </summary>
public class SnapshotJsonContractTests
{
    public static TheoryData<string> Roots() => ["snapshot", "diff"];

    private static (JsonSerializerOptions Options, Type Root) Contract(string name) => name switch
    {
        "snapshot" => (SnapshotJson.Options, typeof(Snapshot)),
        "diff" => (SnapshotJson.WithContext(DiffJsonContext.Default), typeof(DiffResult)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Roots))]
    public void Every_enum_in_the_contract_is_written_as_its_kebab_case_name(string root)
    {
        var (options, type) = Contract(root);
        var enums = Reachable(options, type).Select(t => Nullable.GetUnderlyingType(t) ?? t).Where(t => t.IsEnum).Distinct().ToList();
        if (root == "diff") enums.ShouldContain(typeof(DivergenceClass)); // the walk must see enums at all
        foreach (var e in enums)
        {
            var info = options.GetTypeInfo(e);
            foreach (var value in Enum.GetValues(e))
            {
                var json = JsonSerializer.Serialize(value, info);
                json.ShouldBe($"\"{JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString()!)}\"", $"{e.Name}.{value} needs [JsonConverter(typeof(KebabCaseEnumConverter<{e.Name}>))]");
            }
        }
    }

    [Fact]
    public void Keys_a_snapshot_leaves_out_keep_the_model_defaults_at_every_depth()
    {
        // One record of each list kind, each with a single key: everything else must come from the
        // model's initialisers, never null where the model says non-null.
        const string json = """
            {"schema":"amiaudit.snapshot/v1",
             "systemd":{"units":[{"name":"ecs.service"}]},
             "containers":[{"name":"ecs-agent"}],
             "bootstrap":{"scripts":[{"path":"/etc/eks/bootstrap.sh"}],"urls":[{"normalized":"https://example.com/kubelet"}]},
             "binaries":[{"path":"/usr/bin/kubelet"}],
             "target":{"hostname":"h"}}
            """;
        var snapshot = SnapshotJson.Deserialize(json, "s.json");
        snapshot.Target.Kind.ShouldBe(new TargetInfo().Kind);
        snapshot.Systemd.Units.Single().Name.ShouldBe("ecs.service");
        var nulls = new List<string>();
        FindNulls(snapshot, "snapshot", nulls, new NullabilityInfoContext());
        nulls.ShouldBeEmpty();
    }

    [Fact]
    public void Every_record_in_the_snapshot_has_a_generated_parameterless_factory()
    {
        // Without one, reading falls back to source-generated "init as constructor argument" code and
        // absent keys become null (the test above would catch it only for the records it names).
        var objects = Reachable(SnapshotJson.Options, typeof(Snapshot))
            .Where(t => SnapshotJson.Options.GetTypeInfo(t).Kind == JsonTypeInfoKind.Object).Distinct().ToList();
        objects.ShouldContain(typeof(Snapshot));
        var factories = ModelFactories.All();
        foreach (var t in objects) factories.ContainsKey(t).ShouldBeTrue($"{t.Name} is not in ModelFactories (is it outside AmiAudit.Core.Model, or without a public parameterless constructor?)");
    }

    private static IEnumerable<Type> Reachable(JsonSerializerOptions options, Type root)
    {
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>([root]);
        while (queue.TryDequeue(out var t))
        {
            if (!seen.Add(t)) continue;
            yield return t;
            var info = options.GetTypeInfo(t);
            foreach (var p in info.Properties) queue.Enqueue(p.PropertyType);
            if (info.ElementType is { } element) queue.Enqueue(element);
            if (info.KeyType is { } key) queue.Enqueue(key);
        }
    }

    private static void FindNulls(object value, string path, List<string> nulls, NullabilityInfoContext nullability)
    {
        if (value is string || value.GetType().IsValueType) return;
        if (value is IDictionary map)
        {
            foreach (DictionaryEntry e in map) if (e.Value is { } v) FindNulls(v, $"{path}.{e.Key}", nulls, nullability);
            return;
        }
        if (value is IEnumerable list)
        {
            var i = 0;
            foreach (var item in list) if (item is not null) FindNulls(item, $"{path}[{i++}]", nulls, nullability);
            return;
        }
        foreach (var p in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.Name == "EqualityContract") continue;
            var v = p.GetValue(value);
            if (v is null)
            {
                if (!p.PropertyType.IsValueType && nullability.Create(p).ReadState == NullabilityState.NotNull) nulls.Add($"{path}.{p.Name}");
                continue;
            }
            FindNulls(v, $"{path}.{p.Name}", nulls, nullability);
        }
    }
}
