using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using AmiAudit.Collectors.Bootstrap;
using AmiAudit.Core.Model;

namespace AmiAudit.Aws.Tests.UserData;

/// <summary>Launch template user data through the same extraction as an image root's user-data.txt, every encoding
/// EC2 and cloud-init use, and hostile inputs that must stay bounded.</summary>
public class UserDataInspectorTests
{
    private const string Kubelet = "https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.0/2024-01-04/bin/linux/amd64/kubelet";
    private const string Script = "#!/bin/bash\nset -e\ncurl -fsSL -o /usr/bin/kubelet '" + Kubelet + "?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE'\nsystemctl enable --now kubelet\n";

    private static byte[] Api(byte[] raw) => Encoding.ASCII.GetBytes(Convert.ToBase64String(raw)); // how EC2 returns it
    private static byte[] Api(string text) => Api(Encoding.UTF8.GetBytes(text));

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }

    private static UserDataInspector.Result Inspect(byte[] api) => UserDataInspector.Inspect(api, "user-data", "launch-template", "ec2");

    private static void AssertKubelet(UserDataInspector.Result r, string source = "user-data")
    {
        var url = r.Urls.ShouldHaveSingleItem();
        url.Normalized.ShouldBe(Kubelet);
        url.Purpose.ShouldBe("kubelet");
        url.Source.ShouldBe(source);
        url.Redacted.ShouldNotContain("deadbeef");
        url.Redacted.ShouldNotContain("AKIAIOSFODNN7EXAMPLE");
    }

    [Fact]
    public void Plain_shell_script_matches_the_image_root_extractor()
    {
        var r = Inspect(Api(Script));
        AssertKubelet(r);
        r.Fact.Encodings.ShouldBe(["base64", "shell"]);
        r.Scripts.ShouldHaveSingleItem().StartsUnits.ShouldBe(["kubelet.service"]);
        // Same URL facts as the image-root path (UserDataParts + UrlExtractor) for the same text.
        r.Urls.ShouldBe(UrlsFromImageRootExtractor(Script));
        r.Diagnostics.ShouldBeEmpty();
    }

    private static List<UrlFact> UrlsFromImageRootExtractor(string text) =>
        [.. UserDataParts.Split(text).SelectMany(p => AmiAudit.Core.Urls.UrlExtractor.Extract(p.Text, "user-data", p.FirstLine))];

    [Fact]
    public void Gzip_then_base64_is_peeled_in_order()
    {
        var r = Inspect(Api(Gzip(Encoding.UTF8.GetBytes(Script))));
        AssertKubelet(r);
        r.Fact.Encodings.ShouldBe(["base64", "gzip", "shell"]);
        r.Fact.Size.ShouldBe(Encoding.UTF8.GetByteCount(Script));
    }

    [Fact]
    public void User_data_base64_encoded_twice_is_decoded_twice()
    {
        var r = Inspect(Api(Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(Script)))));
        AssertKubelet(r);
        r.Fact.Encodings.ShouldBe(["base64", "base64", "shell"]);
    }

    [Fact]
    public void Mime_multipart_with_a_base64_part_and_cloud_config()
    {
        var mime = "Content-Type: multipart/mixed; boundary=\"==B==\"\nMIME-Version: 1.0\n\n--==B==\nContent-Type: text/cloud-config; charset=\"us-ascii\"\n\n#cloud-config\nruncmd:\n  - [ systemctl, enable, containerd ]\n\n"
            + "--==B==\nContent-Type: text/x-shellscript\nContent-Transfer-Encoding: base64\n\n" + Convert.ToBase64String(Encoding.UTF8.GetBytes(Script)) + "\n--==B==--\n";
        var r = Inspect(Api(mime));
        AssertKubelet(r);
        r.Fact.Encodings.ShouldBe(["base64", "mime", "cloud-config", "shell"]);
        r.Fact.Parts.ShouldBe(2);
        r.Scripts.ShouldHaveSingleItem().StartsUnits.ShouldBe(["containerd.service", "kubelet.service"]);
    }

    [Theory]
    [InlineData("b64")]
    [InlineData("base64")]
    [InlineData("gzip+base64")]
    [InlineData("gz+b64")]
    public void Cloud_config_write_files_are_decoded_and_inspected_as_scripts(string encoding)
    {
        var body = encoding.StartsWith('g') ? Gzip(Encoding.UTF8.GetBytes(Script)) : Encoding.UTF8.GetBytes(Script);
        var doc = $"#cloud-config\nwrite_files:\n  - path: /etc/eks/fetch.sh\n    permissions: '0755'\n    encoding: {encoding}\n    content: {Convert.ToBase64String(body)}\n  - path: /etc/motd\n    content: hello\n";
        var r = Inspect(Api(doc));
        AssertKubelet(r, "user-data#write_files:/etc/eks/fetch.sh");
        var file = r.Scripts.Single(s => s.Path == "user-data#write_files:/etc/eks/fetch.sh");
        file.Kind.ShouldBe("cloud-init-write-file");
        file.StartsUnits.ShouldBe(["kubelet.service"]);
        file.Sha256.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(Script))));
        r.Scripts.Select(s => s.Path).ShouldBe(["user-data#write_files:/etc/eks/fetch.sh", "user-data#write_files:/etc/motd", "user-data"]);
        r.Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public void Binary_user_data_is_recorded_not_inspected()
    {
        var binary = new byte[4096];
        new Random(7).NextBytes(binary);
        binary[0] = 0x7f; binary[1] = (byte)'E'; binary[2] = (byte)'L'; binary[3] = (byte)'F';
        var r = Inspect(Api(binary));
        r.Urls.ShouldBeEmpty();
        r.Fact.Encodings.ShouldBe(["base64", "binary"]);
        r.Diagnostics.ShouldHaveSingleItem().Code.ShouldBe("user-data-undecodable");
        r.Scripts.ShouldHaveSingleItem().Sha256.ShouldNotBeNull(); // still comparable between zones
    }

    [Fact]
    public void A_broken_mime_boundary_still_yields_the_scripts_it_holds()
    {
        // The boundary in the header is not the one used, and the closing delimiter is missing.
        var mime = "Content-Type: multipart/mixed; boundary=\"AAA\"\nMIME-Version: 1.0\n\n--BBB\nContent-Type: text/x-shellscript\n\n" + Script;
        var r = Inspect(Api(mime));
        r.Urls.Select(u => u.Normalized).ShouldBe([Kubelet]);
        var truncated = "Content-Type: multipart/mixed; boundary=\"AAA\"\n\n--AAA\nContent-Type: text/x-shellscript\n\n" + Script; // never closed
        Inspect(Api(truncated)).Urls.Select(u => u.Normalized).ShouldBe([Kubelet]);
    }

    [Fact]
    public void Sixteen_kilobytes_of_garbage_is_bounded_and_quiet()
    {
        var rng = new Random(11);
        var printable = new string([.. Enumerable.Range(0, 16 * 1024).Select(_ => (char)rng.Next(33, 127))]);
        var watch = Stopwatch.StartNew();
        var text = Inspect(Api(printable));
        var bytes = new byte[16 * 1024];
        rng.NextBytes(bytes);
        var raw = Inspect(bytes); // not even base64: treated as the bytes themselves
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5), "16 KB must not take the extractor's regexes long");
        text.Scripts.ShouldHaveSingleItem().Size.ShouldBe(16 * 1024);
        raw.Fact.Encodings.ShouldContain("binary");
    }

    [Fact]
    public void A_gzip_bomb_stops_at_the_cap()
    {
        // 64 MiB of zeros compress to ~64 KB; base64 on top, as the API returns it.
        var bomb = Gzip(new byte[64 * 1024 * 1024]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var r = Inspect(Api(bomb));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        r.Fact.Size.ShouldBe(UserDataDecoder.MaxBytes);
        r.Fact.Sha256.ShouldBeNull("the hash of a truncated document is not the document's");
        r.Diagnostics.ShouldContain(d => d.Message.Contains("expands past"));
        allocated.ShouldBeLessThan(40L * 1024 * 1024, "reading stops at the cap; the 64 MiB are never materialised");
    }

    [Fact]
    public void A_write_files_gzip_bomb_and_an_alias_bomb_stay_bounded()
    {
        var bomb = Convert.ToBase64String(Gzip(new byte[32 * 1024 * 1024]));
        var aliases = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n";
        var doc = "#cloud-config\n" + aliases + "write_files:\n  - path: /x\n    encoding: gz+b64\n    content: " + bomb + "\n";
        var watch = Stopwatch.StartNew();
        var r = Inspect(Api(doc));
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        r.Scripts.Single(s => s.Path == "user-data#write_files:/x").Size.ShouldBe(UserDataDecoder.MaxBytes);
        r.Diagnostics.ShouldContain(d => d.Path == "user-data#write_files:/x");
    }

    [Fact]
    public void Deeply_nested_cloud_config_is_not_a_crash()
    {
        var doc = "#cloud-config\nwrite_files: " + new string('[', 100_000) + "\n";
        Should.NotThrow(() => Inspect(Api(doc)));
    }

    [Fact]
    public void Secrets_in_user_data_never_reach_the_snapshot_json()
    {
        var secretScript = "#!/bin/bash\nexport DB_PASSWORD=hunter2hunter2\ncurl -u admin:s3cr3tpass https://repo.example.com/x.tgz\n"
            + "curl https://user:tokentoken@mirror.example.com/kubelet\naws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
        var doc = "#cloud-config\nwrite_files:\n  - path: /etc/secret.sh\n    encoding: b64\n    content: " + Convert.ToBase64String(Encoding.UTF8.GetBytes(secretScript)) + "\n";
        var r = Inspect(Api(doc));
        var json = SnapshotJson.Serialize(new Snapshot { Bootstrap = new BootstrapFacts { Scripts = r.Scripts, Urls = r.Urls }, Ec2 = new Ec2Facts { UserData = r.Fact }, Diagnostics = r.Diagnostics });
        foreach (var secret in new[] { "hunter2hunter2", "s3cr3tpass", "tokentoken", "wJalrXUtnFEMI" })
            json.ShouldNotContain(secret);
        r.Urls.Select(u => u.Normalized).ShouldContain("https://mirror.example.com/kubelet");
    }

    [Fact]
    public void A_recovered_mime_body_says_cloud_init_would_skip_it()
    {
        var mime = "Content-Type: multipart/mixed; boundary=\"AAA\"\nMIME-Version: 1.0\n\n--BBB\nContent-Type: text/x-shellscript\n\n" + Script + "--BBB--\n";
        var r = Inspect(Api(mime));
        r.Scripts.Single(s => s.Path == "user-data").StartsUnits.ShouldBe(["kubelet.service"]);
        var d = r.Diagnostics.ShouldHaveSingleItem();
        d.Code.ShouldBe("user-data-malformed");
        d.Message.ShouldContain("'AAA'");
        d.Message.ShouldContain("cloud-init skips");
        // No delimiter-like line at all: the body is one document, sniffed by its first line.
        var bare = "Content-Type: multipart/mixed; boundary=\"AAA\"\n\n" + Script;
        Inspect(Api(bare)).Urls.Select(u => u.Normalized).ShouldBe([Kubelet]);
        // A well-formed document has no such diagnostic.
        var good = "Content-Type: multipart/mixed; boundary=\"AAA\"\n\n--AAA\nContent-Type: text/x-shellscript\n\n" + Script + "--AAA--\n";
        Inspect(Api(good)).Diagnostics.ShouldBeEmpty();
    }

    [Fact]
    public void Binary_write_files_content_keeps_its_size_and_hash()
    {
        var binary = new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 0, 1, 2, 3, 0, 0, 0, 9 };
        var doc = "#cloud-config\nwrite_files:\n  - path: /usr/local/bin/tool\n    encoding: b64\n    content: " + Convert.ToBase64String(binary) + "\n";
        var r = Inspect(Api(doc));
        var file = r.Scripts.Single(s => s.Path == "user-data#write_files:/usr/local/bin/tool");
        file.Size.ShouldBe(binary.Length);
        file.Sha256.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(binary)));
        r.Diagnostics.ShouldContain(d => d.Path == "user-data#write_files:/usr/local/bin/tool" && d.Message.Contains("binary"));
    }
}
