using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using AmiAudit.Core.Model;
using AmiAudit.Core.Redaction;

namespace AmiAudit.Core.Diff;

/// <summary>
/// A hand-written, forward-only reader from UTF-8 snapshot JSON to <see cref="Snapshot"/>, for the diff's bulk
/// path (thousands of files). System.Text.Json's metadata-driven deserialiser spent ~0.6 ms per 160 KB snapshot,
/// over half of a whole diff; this reader does the same work in about half that.
/// <para>Contract: it either returns exactly what <c>JsonSerializer.Deserialize&lt;Snapshot&gt;(utf8, SnapshotJson.Options)</c>
/// returns, or it returns false — for anything it is not sure about (syntax errors, wrong types, nulls in
/// non-nullable places, another schema version) — and the caller falls back to <see cref="SnapshotJson.Deserialize"/>,
/// which owns the error messages (file:line:col, schema advice). So errors are reported exactly as before.</para>
/// <para>Every model property is read and type-checked like the serializer does (strings, integers that must fit,
/// doubles, booleans, ISO dates); unknown properties are skipped, as the serializer's default does. A property that
/// is absent gets what the source-generated serializer gives it — default(T), not the model's initialiser (it
/// builds init-only records through an object initializer) — and where that would be a null collection, object or
/// non-nullable string, the reader declines: our own snapshots always carry those, and the flattener cannot read
/// a null list.
/// <c>SnapshotUtf8ReaderTests</c> fills every property of the model by reflection and requires both readers to agree,
/// so a property added to the model without a line here fails that test.</para>
/// </summary>
public static class SnapshotUtf8Reader
{
    public static bool TryRead(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out Snapshot? snapshot)
    {
        snapshot = null;
        try
        {
            var r = new Utf8JsonReader(utf8);
            if (!r.Read()) return false;
            var s = ReadSnapshot(ref r);
            if (r.Read()) return false; // trailing content: let the serializer word the error
            if (!string.Equals(s.Schema, Snapshot.CurrentSchema, StringComparison.Ordinal)) return false;
            snapshot = s;
            return true;
        }
        catch (Exception e) when (e is JsonException or NotSure or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    /// <summary>"Not sure this is what the serializer would return": fall back to it.</summary>
    private sealed class NotSure : Exception;

    private const int NameBuffer = 48;


    private static Snapshot ReadSnapshot(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? schema = null; // required: a file without it (or with it twice) gets the serializer path's message
        TargetInfo? target = null;
        OsInfo? os = null;
        SystemdFacts? systemd = null;
        List<ContainerFact>? containers = null;
        BootstrapFacts? bootstrap = null;
        List<BinaryFact>? binaries = null;
        PackageFacts? packages = null;
        ProbeFacts? probes = null;
        EvidenceFacts? evidence = null;
        Ec2Facts? ec2 = null;
        List<Diagnostic>? diagnostics = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "schema": schema = schema is null ? Str(ref r) : throw new NotSure(); break;
                case "target": target = ReadTarget(ref r); break;
                case "os": os = IsNull(ref r) ? null : ReadOs(ref r); break;
                case "systemd": systemd = ReadSystemd(ref r); break;
                case "containers": containers = List(ref r, ReadContainer); break;
                case "bootstrap": bootstrap = ReadBootstrap(ref r); break;
                case "binaries": binaries = List(ref r, ReadBinary); break;
                case "packages": packages = ReadPackages(ref r); break;
                case "probes": probes = IsNull(ref r) ? null : ReadProbes(ref r); break;
                // Post-mortem evidence is rare in a fleet diff: the serializer's own contract reads it, the structural pass redacts it.
                case "evidence": evidence = IsNull(ref r) ? null : JsonSerializer.Deserialize(ref r, SnapshotJsonContext.Default.EvidenceFacts) is { } ev ? SnapshotRedaction.Redact(ev) : null; break;
                // Small and one per EC2 snapshot: the generated serializer itself reads it, so it agrees by construction; the structural pass redacts it.
                case "ec2": ec2 = JsonSerializer.Deserialize(ref r, SnapshotJson.Info<Ec2Facts>(SnapshotJson.Options)) is { } e2 ? SnapshotRedaction.Redact(e2) : null; break;
                case "diagnostics": diagnostics = List(ref r, ReadDiagnostic); break;
                default: r.Skip(); break;
            }
        }
        return new Snapshot
        {
            Schema = schema ?? throw new NotSure(), Target = target ?? throw new NotSure(), Os = os, Systemd = systemd ?? throw new NotSure(), Containers = containers ?? throw new NotSure(),
            Bootstrap = bootstrap ?? throw new NotSure(), Binaries = binaries ?? throw new NotSure(), Packages = packages ?? throw new NotSure(), Probes = probes, Evidence = evidence, Ec2 = ec2, Diagnostics = diagnostics ?? throw new NotSure(),
        };
    }

    private static TargetInfo ReadTarget(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? kind = default;
        string? hostname = null, imageId = null, instanceId = null, az = null, root = null, version = null;
        SortedDictionary<string, string>? labels = null;
        DateTimeOffset? collectedAt = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "kind": kind = Str(ref r); break;
                case "hostname": hostname = StrN(ref r); break;
                case "imageId": imageId = StrN(ref r); break;
                case "instanceId": instanceId = StrN(ref r); break;
                case "availabilityZone": az = StrN(ref r); break;
                case "root": root = StrN(ref r); break;
                case "labels": labels = StrDict(ref r); break;
                case "collectedAt": collectedAt = DateN(ref r); break;
                case "amiauditVersion": version = StrN(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new TargetInfo
        {
            Kind = kind ?? throw new NotSure(), Hostname = hostname, ImageId = imageId, InstanceId = instanceId, AvailabilityZone = az, Root = root,
            Labels = labels ?? throw new NotSure(), CollectedAt = collectedAt, AmiauditVersion = version,
        };
    }

    private static OsInfo ReadOs(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? id = null, versionId = null, prettyName = null, kernel = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "id": id = StrN(ref r); break;
                case "versionId": versionId = StrN(ref r); break;
                case "prettyName": prettyName = StrN(ref r); break;
                case "kernel": kernel = StrN(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new OsInfo { Id = id, VersionId = versionId, PrettyName = prettyName, Kernel = kernel };
    }

    private static SystemdFacts ReadSystemd(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        bool available = true; // absent: the model's default, which SnapshotJson.Deserialize fills in (fuzzing, Crashes/snapshot)
        string? defaultTarget = null;
        List<UnitFact>? units = null;
        List<string>? kernels = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "available": available = Bool(ref r); break;
                case "defaultTarget": defaultTarget = StrN(ref r); break;
                case "units": units = List(ref r, ReadUnit); break;
                case "kernels": kernels = StrList(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new SystemdFacts { Available = available, DefaultTarget = defaultTarget, Kernels = kernels ?? [], Units = units ?? throw new NotSure() };
    }

    private static UnitFact ReadUnit(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? name0 = default, type = default, unitFileState = default;
        string? fragmentPath = null, preset = null, description = null, aliasOf = null, template = null, restart = null, restartSec = null;
        string? loadState = null, activeState = null, subState = null, result = null, failureMessage = null;
        string? conditionResult = null, assertResult = null, pulledInBy = null;
        List<string>? conditionNotes = null, loadErrors = null, missingBindsTo = null;
        List<string>? dropIns = null, wantedBy = null, requiredBy = null, alias = null, also = null, requires = null, wants = null, bindsTo = null;
        List<string>? requisite = null, partOf = null, after = null, before = null, missingDeps = null, conditions = null, asserts = null;
        List<string>? execStart = null, execStartPre = null, missingExecs = null, envFiles = null, bootPath = null;
        bool startsAtBoot = default;
        long? nRestarts = null, failuresInWindow = null;
        int? execMainCode = null, execMainStatus = null;
        DateTimeOffset? activeEnter = null;
        double? restartsPerHour = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "name": name0 = Str(ref r); break;
                case "type": type = Str(ref r); break;
                case "fragmentPath": fragmentPath = StrN(ref r); break;
                case "unitFileState": unitFileState = Str(ref r); break;
                case "preset": preset = StrN(ref r); break;
                case "description": description = StrN(ref r); break;
                case "aliasOf": aliasOf = StrN(ref r); break;
                case "template": template = StrN(ref r); break;
                case "dropIns": dropIns = StrList(ref r); break;
                case "wantedBy": wantedBy = StrList(ref r); break;
                case "requiredBy": requiredBy = StrList(ref r); break;
                case "alias": alias = StrList(ref r); break;
                case "also": also = StrList(ref r); break;
                case "requires": requires = StrList(ref r); break;
                case "wants": wants = StrList(ref r); break;
                case "bindsTo": bindsTo = StrList(ref r); break;
                case "requisite": requisite = StrList(ref r); break;
                case "partOf": partOf = StrList(ref r); break;
                case "after": after = StrList(ref r); break;
                case "before": before = StrList(ref r); break;
                case "missingDependencies": missingDeps = StrList(ref r); break;
                case "conditions": conditions = StrList(ref r); break;
                case "asserts": asserts = StrList(ref r); break;
                case "execStart": execStart = StrList(ref r); break;
                case "execStartPre": execStartPre = StrList(ref r); break;
                case "missingExecutables": missingExecs = StrList(ref r); break;
                case "restart": restart = StrN(ref r); break;
                case "restartSec": restartSec = StrN(ref r); break;
                case "environmentFiles": envFiles = StrList(ref r); break;
                case "startsAtBoot": startsAtBoot = Bool(ref r); break;
                case "bootPath": bootPath = StrList(ref r); break;
                case "loadState": loadState = StrN(ref r); break;
                case "activeState": activeState = StrN(ref r); break;
                case "subState": subState = StrN(ref r); break;
                case "result": result = StrN(ref r); break;
                case "nRestarts": nRestarts = LongN(ref r); break;
                case "execMainCode": execMainCode = IntN(ref r); break;
                case "execMainStatus": execMainStatus = IntN(ref r); break;
                case "activeEnterTimestamp": activeEnter = DateN(ref r); break;
                case "restartsPerHour": restartsPerHour = DoubleN(ref r); break;
                case "failuresInWindow": failuresInWindow = LongN(ref r); break;
                case "failureMessage": failureMessage = StrN(ref r); break;
                case "conditionResult": conditionResult = StrN(ref r); break;
                case "assertResult": assertResult = StrN(ref r); break;
                case "conditionNotes": conditionNotes = StrList(ref r); break;
                case "pulledInBy": pulledInBy = StrN(ref r); break;
                case "loadErrors": loadErrors = StrList(ref r); break;
                case "missingBindsTo": missingBindsTo = StrList(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new UnitFact
        {
            Name = name0 ?? throw new NotSure(), Type = type ?? throw new NotSure(), FragmentPath = fragmentPath, UnitFileState = unitFileState ?? throw new NotSure(), Preset = preset, Description = description,
            AliasOf = aliasOf, Template = template, DropIns = dropIns ?? throw new NotSure(),
            // Added after the first v1 snapshots were written: absent means "read completely", which is what
            // SnapshotJson.Deserialize (the fallback) gives through SnapshotDefaults. Declining instead would send
            // every older snapshot down the slow path.
            WantedBy = wantedBy ?? throw new NotSure(), RequiredBy = requiredBy ?? throw new NotSure(),
            Alias = alias ?? throw new NotSure(), Also = also ?? throw new NotSure(), Requires = requires ?? throw new NotSure(), Wants = wants ?? throw new NotSure(), BindsTo = bindsTo ?? throw new NotSure(),
            Requisite = requisite ?? throw new NotSure(), PartOf = partOf ?? throw new NotSure(), After = after ?? throw new NotSure(), Before = before ?? throw new NotSure(), MissingDependencies = missingDeps ?? throw new NotSure(),
            Conditions = conditions ?? throw new NotSure(), Asserts = asserts ?? throw new NotSure(), ExecStart = execStart ?? throw new NotSure(), ExecStartPre = execStartPre ?? throw new NotSure(),
            MissingExecutables = missingExecs ?? throw new NotSure(), Restart = restart, RestartSec = restartSec, EnvironmentFiles = envFiles ?? throw new NotSure(),
            StartsAtBoot = startsAtBoot, BootPath = bootPath ?? throw new NotSure(), LoadState = loadState, ActiveState = activeState, SubState = subState,
            Result = result, NRestarts = nRestarts, ExecMainCode = execMainCode, ExecMainStatus = execMainStatus, ActiveEnterTimestamp = activeEnter,
            RestartsPerHour = restartsPerHour, FailuresInWindow = failuresInWindow, FailureMessage = failureMessage,
            ConditionResult = conditionResult, AssertResult = assertResult, ConditionNotes = conditionNotes ?? [], PulledInBy = pulledInBy, LoadErrors = loadErrors ?? [], MissingBindsTo = missingBindsTo ?? [],
        };
    }

    private static ContainerFact ReadContainer(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? name0 = default, restartPolicy = default;
        string? id = null, image = null, source = null, state = null, ownerUnit = null, ownerEvidence = null;
        int? maxRetry = null, exitCode = null;
        SortedDictionary<string, string>? labels = null;
        long? restartCount = null, recreates = null;
        DateTimeOffset? created = null, startedAt = null;
        double? restartsPerHour = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "name": name0 = Str(ref r); break;
                case "id": id = StrN(ref r); break;
                case "image": image = StrN(ref r); break;
                case "restartPolicy": restartPolicy = Str(ref r); break;
                case "maximumRetryCount": maxRetry = IntN(ref r); break;
                case "source": source = StrN(ref r); break;
                case "labels": labels = StrDict(ref r); break;
                case "state": state = StrN(ref r); break;
                case "exitCode": exitCode = IntN(ref r); break;
                case "restartCount": restartCount = LongN(ref r); break;
                case "created": created = DateN(ref r); break;
                case "startedAt": startedAt = DateN(ref r); break;
                case "restartsPerHour": restartsPerHour = DoubleN(ref r); break;
                case "recreatesInWindow": recreates = LongN(ref r); break;
                case "ownerUnit": ownerUnit = StrN(ref r); break;
                case "ownerUnitEvidence": ownerEvidence = StrN(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new ContainerFact
        {
            Name = name0 ?? throw new NotSure(), Id = id, Image = image, RestartPolicy = restartPolicy ?? throw new NotSure(), MaximumRetryCount = maxRetry, Source = source,
            Labels = labels ?? throw new NotSure(), State = state, ExitCode = exitCode, RestartCount = restartCount, Created = created,
            StartedAt = startedAt, RestartsPerHour = restartsPerHour, RecreatesInWindow = recreates, OwnerUnit = ownerUnit, OwnerUnitEvidence = ownerEvidence,
        };
    }

    private static BootstrapFacts ReadBootstrap(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        List<ScriptFact>? scripts = null;
        List<UrlFact>? urls = null;
        CloudInitOutcome? cloudInit = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "scripts": scripts = List(ref r, ReadScript); break;
                case "urls": urls = List(ref r, ReadUrl); break;
                case "cloudInit": cloudInit = IsNull(ref r) ? null : ReadCloudInit(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new BootstrapFacts { Scripts = scripts ?? throw new NotSure(), Urls = urls ?? throw new NotSure(), CloudInit = cloudInit };
    }

    private static ScriptFact ReadScript(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? path = default, kind = default;
        string? sha = null;
        long size = default;
        List<string>? referencedBy = null, startsUnits = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "path": path = Str(ref r); break;
                case "kind": kind = Str(ref r); break;
                case "sha256": sha = StrN(ref r); break;
                case "size": size = Long(ref r); break;
                case "referencedBy": referencedBy = StrList(ref r); break;
                case "startsUnits": startsUnits = StrList(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new ScriptFact { Path = path ?? throw new NotSure(), Kind = kind ?? throw new NotSure(), Sha256 = sha, Size = size, ReferencedBy = referencedBy ?? throw new NotSure(), StartsUnits = startsUnits ?? throw new NotSure() };
    }

    private static UrlFact ReadUrl(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? normalized = default, redacted = default, scheme = default, host = default, path = default;
        string? purpose = default, source = default;
        string? bucket = null, key = null, region = null, s3Uri = null, via = null;
        bool template = default;
        int line = default;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "normalized": normalized = Str(ref r); break;
                case "redacted": redacted = Str(ref r); break;
                case "scheme": scheme = Str(ref r); break;
                case "host": host = Str(ref r); break;
                case "path": path = Str(ref r); break;
                case "purpose": purpose = Str(ref r); break;
                case "s3Bucket": bucket = StrN(ref r); break;
                case "s3Key": key = StrN(ref r); break;
                case "s3Region": region = StrN(ref r); break;
                case "s3Uri": s3Uri = StrN(ref r); break;
                case "template": template = Bool(ref r); break;
                case "via": via = StrN(ref r); break;
                case "source": source = Str(ref r); break;
                case "line": line = Int(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new UrlFact
        {
            Normalized = normalized ?? throw new NotSure(), Redacted = redacted ?? throw new NotSure(), Scheme = scheme ?? throw new NotSure(), Host = host ?? throw new NotSure(), Path = path ?? throw new NotSure(), Purpose = purpose ?? throw new NotSure(),
            S3Bucket = bucket, S3Key = key, S3Region = region, S3Uri = s3Uri, Template = template, Via = via, Source = source ?? throw new NotSure(), Line = line,
        };
    }

    private static CloudInitOutcome ReadCloudInit(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? status = default;
        string? datasource = null, source = null;
        List<string>? errors = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "status": status = Str(ref r); break;
                case "datasource": datasource = StrN(ref r); break;
                case "errors": errors = StrList(ref r); break;
                case "source": source = StrN(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new CloudInitOutcome { Status = status ?? throw new NotSure(), Datasource = datasource, Errors = errors ?? throw new NotSure(), Source = source };
    }

    private static BinaryFact ReadBinary(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? path = default, role = default;
        bool exists = default;
        string? sha = null;
        long? size = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "path": path = Str(ref r); break;
                case "role": role = Str(ref r); break;
                case "exists": exists = Bool(ref r); break;
                case "sha256": sha = StrN(ref r); break;
                case "size": size = LongN(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new BinaryFact { Path = path ?? throw new NotSure(), Role = role ?? throw new NotSure(), Exists = exists, Sha256 = sha, Size = size };
    }

    private static PackageFacts ReadPackages(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? manager = default;
        bool available = true; // absent: the model's default, which SnapshotJson.Deserialize fills in (fuzzing, Crashes/snapshot)
        List<PackageFact>? items = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "manager": manager = Str(ref r); break;
                case "available": available = Bool(ref r); break;
                case "items": items = List(ref r, ReadPackage); break;
                default: r.Skip(); break;
            }
        }
        return new PackageFacts { Manager = manager ?? throw new NotSure(), Available = available, Items = items ?? throw new NotSure() };
    }

    private static PackageFact ReadPackage(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? name0 = default, version = default;
        string? arch = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "name": name0 = Str(ref r); break;
                case "version": version = Str(ref r); break;
                case "architecture": arch = StrN(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new PackageFact { Name = name0 ?? throw new NotSure(), Version = version ?? throw new NotSure(), Architecture = arch };
    }

    private static ProbeFacts ReadProbes(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        MemcgProbe? memcg = null;
        EnaProbe? ena = null;
        CpuProbe? cpu = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "memcg": memcg = IsNull(ref r) ? null : ReadMemcg(ref r); break;
                case "ena": ena = IsNull(ref r) ? null : ReadEna(ref r); break;
                case "cpu": cpu = IsNull(ref r) ? null : ReadCpu(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new ProbeFacts { Memcg = memcg, Ena = ena, Cpu = cpu };
    }

    private static MemcgProbe ReadMemcg(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? status = default;
        string? version = null, detail = null;
        long? tracked = null, live = null, dying = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "status": status = Str(ref r); break;
                case "cgroupVersion": version = StrN(ref r); break;
                case "tracked": tracked = LongN(ref r); break;
                case "live": live = LongN(ref r); break;
                case "dying": dying = LongN(ref r); break;
                case "detail": detail = StrN(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new MemcgProbe { Status = status ?? throw new NotSure(), CgroupVersion = version, Tracked = tracked, Live = live, Dying = dying, Detail = detail };
    }

    private static EnaProbe ReadEna(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? status = default;
        List<EnaInterface>? interfaces = null;
        string? detail = null, logSource = null;
        double? span = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "status": status = Str(ref r); break;
                case "interfaces": interfaces = List(ref r, ReadEnaInterface); break;
                case "detail": detail = StrN(ref r); break;
                case "kernelLogSource": logSource = StrN(ref r); break;
                case "kernelLogSpanSeconds": span = DoubleN(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new EnaProbe { Status = status ?? throw new NotSure(), Interfaces = interfaces ?? throw new NotSure(), Detail = detail, KernelLogSource = logSource, KernelLogSpanSeconds = span };
    }

    private static EnaInterface ReadEnaInterface(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? name0 = default;
        string? pci = null, driver = null;
        long resets = default, tx = default, missingTx = default, keepAlive = default;
        long resetFailures = default, adminQueue = default, watchdogs = default, implied = default, starved = default;
        List<string>? reasons = null;
        SortedDictionary<string, long>? counters = null, missedByQueue = null, resetCounters = null;
        double? maxNapi = null, napiRatio = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "name": name0 = Str(ref r); break;
                case "pciAddress": pci = StrN(ref r); break;
                case "driverVersion": driver = StrN(ref r); break;
                case "resets": resets = Long(ref r); break;
                case "txTimeouts": tx = Long(ref r); break;
                case "missingTxCompletions": missingTx = Long(ref r); break;
                case "keepAliveTimeouts": keepAlive = Long(ref r); break;
                case "resetFailures": resetFailures = Long(ref r); break;
                case "adminQueueErrors": adminQueue = Long(ref r); break;
                case "netdevWatchdogs": watchdogs = Long(ref r); break;
                case "reasons": reasons = StrList(ref r); break;
                case "counters": counters = LongDict(ref r); break;
                case "impliedResets": implied = Long(ref r); break;
                case "missedTxByQueue": missedByQueue = LongDict(ref r); break;
                case "napiStarvedEvents": starved = Long(ref r); break;
                case "maxNapiDelayMs": maxNapi = DoubleN(ref r); break;
                case "napiStarvationRatio": napiRatio = DoubleN(ref r); break;
                case "resetCounters": resetCounters = LongDict(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new EnaInterface
        {
            Name = name0 ?? throw new NotSure(), PciAddress = pci, DriverVersion = driver, Resets = resets, TxTimeouts = tx, MissingTxCompletions = missingTx,
            KeepAliveTimeouts = keepAlive, ResetFailures = resetFailures, AdminQueueErrors = adminQueue, NetdevWatchdogs = watchdogs,
            Reasons = reasons ?? throw new NotSure(), Counters = counters ?? throw new NotSure(),
            ImpliedResets = implied, MissedTxByQueue = missedByQueue ?? new(StringComparer.Ordinal), NapiStarvedEvents = starved,
            MaxNapiDelayMs = maxNapi, NapiStarvationRatio = napiRatio, ResetCounters = resetCounters ?? new(StringComparer.Ordinal),
        };
    }

    private static CpuProbe ReadCpu(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? status = default;
        double window = default;
        int samples = default;
        string? detail = null;
        List<CoreReading>? cores = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "status": status = Str(ref r); break;
                case "windowSeconds": window = Double(ref r); break;
                case "samples": samples = Int(ref r); break;
                case "detail": detail = StrN(ref r); break;
                case "cores": cores = List(ref r, ReadCore); break;
                default: r.Skip(); break;
            }
        }
        return new CpuProbe { Status = status ?? throw new NotSure(), WindowSeconds = window, Samples = samples, Detail = detail, Cores = cores ?? throw new NotSure() };
    }

    private static CoreReading ReadCore(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        double? usr = null, sys = null, irq = null, soft = null, idle = null, nice = null, iowait = null, steal = null;
        double busy = default, saturated = default;
        CpuShares? sinceBoot = null;
        int cpu = default;
        bool hot = default;
        List<ProcessShare>? top = null;
        long? netRx = null;
        List<string>? enaIrqs = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "cpu": cpu = Int(ref r); break;
                case "usr": usr = DoubleN(ref r); break;
                case "sys": sys = DoubleN(ref r); break;
                case "irq": irq = DoubleN(ref r); break;
                case "soft": soft = DoubleN(ref r); break;
                case "idle": idle = DoubleN(ref r); break;
                case "nice": nice = DoubleN(ref r); break;
                case "iowait": iowait = DoubleN(ref r); break;
                case "steal": steal = DoubleN(ref r); break;
                case "busySeconds": busy = Double(ref r); break;
                case "hot": hot = Bool(ref r); break;
                case "saturatedSeconds": saturated = Double(ref r); break;
                case "topProcesses": top = List(ref r, ReadProcess); break;
                case "netRxSoftirqs": netRx = LongN(ref r); break;
                case "enaIrqs": enaIrqs = StrList(ref r); break;
                case "sinceBoot": sinceBoot = IsNull(ref r) ? null : JsonSerializer.Deserialize(ref r, SnapshotJsonContext.Default.CpuShares); break;
                default: r.Skip(); break;
            }
        }
        return new CoreReading
        {
            Cpu = cpu, Usr = usr, Sys = sys, Irq = irq, Soft = soft, Idle = idle, Nice = nice, Iowait = iowait, Steal = steal,
            BusySeconds = busy, Hot = hot, SaturatedSeconds = saturated, TopProcesses = top ?? throw new NotSure(), NetRxSoftirqs = netRx, EnaIrqs = enaIrqs ?? throw new NotSure(),
            SinceBoot = sinceBoot,
        };
    }

    private static ProcessShare ReadProcess(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? comm = default;
        int pid = default;
        double percent = default;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "pid": pid = Int(ref r); break;
                case "comm": comm = Str(ref r); break;
                case "percent": percent = Double(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new ProcessShare { Pid = pid, Comm = comm ?? throw new NotSure(), Percent = percent };
    }

    private static Diagnostic ReadDiagnostic(ref Utf8JsonReader r)
    {
        StartObject(ref r);
        string? source = default, level = default, code = default, message = default;
        string? path = null;
        Span<char> buffer = stackalloc char[NameBuffer];
        while (Next(ref r))
        {
            ReadOnlySpan<char> name = buffer[..Name(ref r, buffer)];
            r.Read();
            switch (name)
            {
                case "source": source = Str(ref r); break;
                case "level": level = Str(ref r); break;
                case "code": code = Str(ref r); break;
                case "message": message = Str(ref r); break;
                case "path": path = StrN(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new Diagnostic { Source = source ?? throw new NotSure(), Level = level ?? throw new NotSure(), Code = code ?? throw new NotSure(), Message = message ?? throw new NotSure(), Path = path };
    }

    // ---- tokens -------------------------------------------------------------------------------------------

    private delegate T ItemReader<T>(ref Utf8JsonReader r);

    private static void StartObject(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.StartObject) throw new NotSure();
    }

    /// <summary>Moves to the next property name; false at the end of the object.</summary>
    private static bool Next(ref Utf8JsonReader r)
    {
        r.Read();
        return r.TokenType == JsonTokenType.PropertyName;
    }

    /// <summary>Unescapes the property name into <paramref name="buffer"/> and returns its length; names longer than
    /// any model property come back empty (unknown, so skipped — what the serializer does with them too).</summary>
    private static int Name(ref Utf8JsonReader r, scoped Span<char> buffer) =>
        r.ValueSpan.Length > buffer.Length ? 0 : r.CopyString(buffer);

    private static bool IsNull(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null;

    /// <summary>A non-nullable string: null would make a record the flattener cannot read, so let the serializer decide.</summary>
    private static string Str(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.String ? Intern(ref r) : throw new NotSure();

    private static string? StrN(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.String => Intern(ref r),
        JsonTokenType.Null => null,
        _ => throw new NotSure(),
    };

    private const int MaxInternedLength = 128;
    private const int MaxInterned = 1 << 16;

    [ThreadStatic] private static HashSet<string>? t_strings;

    /// <summary>
    /// A fleet repeats the same values on every node (unit names, states, paths, package versions), so short
    /// strings are kept per thread and the same instance is handed back: fewer allocations, fewer collections.
    /// Unescaping and UTF-8 validation are the reader's own (<see cref="Utf8JsonReader.CopyString(Span{char})"/>),
    /// so the value is exactly what GetString would return. Bounded; once full, strings are simply allocated.
    /// Every string is redacted as it is made (docs/security.md: files from older versions may hold secrets), so a
    /// fleet pays for it once per distinct value, not once per file; a value the redactor changes is not found
    /// under its raw text next time and is redacted again.
    /// </summary>
    private static string Intern(ref Utf8JsonReader r)
    {
        if (r.ValueSpan.Length > MaxInternedLength) return Redactor.RedactText(r.GetString()!);
        Span<char> buffer = stackalloc char[MaxInternedLength];
        var value = buffer[..r.CopyString(buffer)];
        var strings = t_strings ??= new HashSet<string>(StringComparer.Ordinal);
        if (strings.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(value, out var known)) return known;
        var made = Redactor.RedactText(new string(value));
        if (strings.Count < MaxInterned) strings.Add(made);
        return made;
    }

    private static bool Bool(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw new NotSure(),
    };

    private static int Int(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Number && r.TryGetInt32(out var v) ? v : throw new NotSure();

    private static int? IntN(ref Utf8JsonReader r) => IsNull(ref r) ? null : Int(ref r);

    private static long Long(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var v) ? v : throw new NotSure();

    private static long? LongN(ref Utf8JsonReader r) => IsNull(ref r) ? null : Long(ref r);

    // Infinity (1e999) is declined: Deserialize refuses it with its line and column.
    private static double Double(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Number && r.TryGetDouble(out var v) && double.IsFinite(v) ? v : throw new NotSure();

    private static double? DoubleN(ref Utf8JsonReader r) => IsNull(ref r) ? null : Double(ref r);

    private static DateTimeOffset? DateN(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String when r.TryGetDateTimeOffset(out var v) => v,
        _ => throw new NotSure(),
    };

    private static List<string> StrList(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.StartArray) throw new NotSure();
        var list = new List<string>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray) list.Add(Str(ref r));
        return list;
    }

    private static List<T> List<T>(ref Utf8JsonReader r, ItemReader<T> item)
    {
        if (r.TokenType != JsonTokenType.StartArray) throw new NotSure();
        var list = new List<T>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray) list.Add(item(ref r));
        return list;
    }

    // A dictionary the serializer creates is a plain new SortedDictionary (default comparer), replacing the model's
    // initial one; mirrored here so both readers return equal objects.
    /// <summary>Labels: a value under a secret-looking key is masked whole (<see cref="Redactor.RedactValue"/>), as
    /// <see cref="SnapshotRedaction"/> does, so it is read raw here rather than through <see cref="Intern"/>.</summary>
    private static SortedDictionary<string, string> StrDict(ref Utf8JsonReader r) =>
        Dict(ref r, static (ref Utf8JsonReader r) => r.TokenType == JsonTokenType.String ? r.GetString()! : throw new NotSure(), Redactor.RedactValue);

    private static SortedDictionary<string, long> LongDict(ref Utf8JsonReader r) => Dict(ref r, Long, null);

    /// <summary>Keys are data: redacted; two keys that redact alike keep both entries (<c>#2</c>), as in
    /// <see cref="SnapshotRedaction"/>; a key repeated as written still means "last wins", as in the serializer.</summary>
    private static SortedDictionary<string, T> Dict<T>(ref Utf8JsonReader r, ItemReader<T> value, Func<string, T, T>? redactValue)
    {
        StartObject(ref r);
        var d = new SortedDictionary<string, T>();
        while (Next(ref r))
        {
            var raw = r.GetString()!;
            var key = Redactor.RedactText(raw);
            if (!ReferenceEquals(key, raw) && key != raw)
                for (var n = 2; d.ContainsKey(key); n++) key = $"{Redactor.RedactText(raw)}#{n}";
            r.Read();
            var v = value(ref r);
            d[key] = redactValue is null ? v : redactValue(raw, v);
        }
        return d;
    }
}
