using System.Text.Json.Nodes;

namespace AmiAudit.Cli.Tests.Redaction;

/// <summary>Writes the inputs of the redaction corpus: an image root, a probe host and a policy, each holding
/// secrets of <see cref="SecretCorpus"/> in every place the issue names.</summary>
public static class CorpusRoot
{
    public const string CaHash = "sha256:3f9a1c2e7b5d4a6f8e0c1b2d3a4f5e6d7c8b9a0f1e2d3c4b5a69788796a5b4c3";
    private const string ContainerId = "c6fdfc760921b2f0e6a1c77d3c1a6f1bd0b6e0b8b6a4f3d2c1e0f9a8b7c6d5e4";

    public static string Seed(string root, SecretCorpus s, bool finishedCloudInit = true)
    {
        void Write(string inRoot, string text)
        {
            var p = Path.Combine(root, inRoot.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(p)!);
            File.WriteAllText(p, text);
        }
        void Link(string inRoot, string target)
        {
            var p = Path.Combine(root, inRoot.TrimStart('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(p)!);
            File.CreateSymbolicLink(p, target);
        }

        var presigned = $"https://amazon-eks.s3.us-west-2.amazonaws.com/1.29.3/2024-04-19/bin/linux/amd64/kubelet?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
                        $"&X-Amz-Credential={s.KeyId}%2F20240419%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Date=20240419T120000Z&X-Amz-Expires=3600" +
                        $"&X-Amz-Security-Token={s.SessionToken}&X-Amz-SignedHeaders=host&X-Amz-Signature={s.Signature}";
        var pem = $"-----BEGIN RSA PRIVATE KEY-----\\n{s.PemBody}\\n-----END RSA PRIVATE KEY-----";

        Write("/etc/os-release", $"ID=debian\nVERSION_ID=12\nPRETTY_NAME=\"Debian GNU/Linux 12 (build {s.OsToken})\"\nBUILD_TOKEN={s.ApiToken}\n");
        Write("/var/lib/dpkg/status",
            "Package: agent\nStatus: install ok installed\nPriority: optional\nVersion: 1.4-1\nArchitecture: amd64\n" +
            $"Description: node agent\n registration token {s.DpkgToken}\n password {s.DbPassword}\n\n" +
            "Package: curl\nStatus: install ok installed\nVersion: 7.88.1-10+deb12u5\nArchitecture: amd64\nDescription: command line tool\n");

        Write("/lib/systemd/system/multi-user.target", "[Unit]\nDescription=Multi-User System\n");
        Write("/lib/systemd/system/agent.service", $"""
            [Unit]
            Description=Agent (auth token {s.DescriptionToken})
            [Service]
            Environment="AWS_REGION=us-west-2" "API_TOKEN={s.ApiToken}"
            EnvironmentFile=/etc/agent.env
            ExecStartPre=/usr/bin/curl -fsSL -o /usr/bin/kubelet "{presigned}"
            ExecStartPre=/usr/bin/curl -H "Authorization: Bearer {s.Bearer}" -H "Proxy-Authorization: Basic {s.Basic}" "https://deploy:{s.UrlPassword}@artifacts.example.com/agent.tar?sv=2022-11-02&sig={s.SasSignature}&se=2030-01-01"
            ExecStartPre=/bin/sh -c 'printf "{pem}" > /etc/agent/key.pem'
            ExecStart=/usr/bin/agent --token={s.FlagToken} --db-password {s.DbPassword} --client-secret={s.ClientSecret} --aws-secret-access-key {s.AwsSecret} --authentication-token-webhook=true
            Restart=always
            [Install]
            WantedBy=multi-user.target
            """);
        Write("/etc/systemd/system/agent.service.d/override.conf", $"""
            [Service]
            Environment=GITHUB_TOKEN={s.Gho}
            ExecStartPre=/usr/bin/notify --github {s.Ghp} --gitlab {s.GitLab} --slack {s.SlackBot} --header {s.Jwt}
            ExecStartPre=/usr/bin/curl https://api.example.com/v1/register?jwt={s.QueryJwt}
            """);
        Write("/etc/agent.env", $"DB_PASSWORD={s.EnvPassword}\nAPI_TOKEN={s.ApiToken}\nAWS_SECRET_ACCESS_KEY={s.AwsSecret}\n");
        Write("/lib/systemd/system/kubeadm-join.service", $"""
            [Unit]
            Description=Join the cluster
            [Service]
            Type=oneshot
            ExecStart=/usr/bin/kubeadm join 10.0.0.1:6443 --token {s.JoinToken} --discovery-token-ca-cert-hash {CaHash}
            ExecStartPre=/usr/bin/notify --users {s.SlackUser} --apps {s.SlackApp} --refresh {s.SlackRefresh} --pat {s.GithubPat} --as {s.Ghu} --server {s.Ghs} --runner {s.Ghr} --oauth {s.Gho}
            ExecStartPre=/usr/bin/notify {s.SlackUser} {s.SlackApp} {s.SlackRefresh} {s.GithubPat} {s.Ghu} {s.Ghs} {s.Ghr} {s.Gho}
            ExecStartPost=/usr/bin/notify "API_TOKEN={s.ApiToken}" "DB_PASSWORD={s.EnvPassword}" "Authorization: Basic {s.Basic}"
            [Install]
            WantedBy=multi-user.target
            """);
        Link("/etc/systemd/system/multi-user.target.wants/agent.service", "../../../../lib/systemd/system/agent.service");
        Link("/etc/systemd/system/multi-user.target.wants/kubeadm-join.service", "../../../../lib/systemd/system/kubeadm-join.service");

        var config = new JsonObject
        {
            ["ID"] = ContainerId,
            ["Name"] = "/agent",
            ["Config"] = new JsonObject
            {
                ["Image"] = $"deploy:{s.ImagePassword}@registry.example.com/team/agent:1.4",
                ["Env"] = new JsonArray($"DB_PASSWORD={s.EnvPassword}", $"GITLAB_TOKEN={s.GitLab}", "PATH=/usr/bin"),
                ["Cmd"] = new JsonArray("agent", $"--token={s.FlagToken}"),
                ["Labels"] = new JsonObject
                {
                    ["com.example.api-key"] = s.LabelApiKey,
                    ["db.password"] = s.LabelPassword,
                    ["maintainer"] = "team@example.com",
                    ["command"] = $"agent --client-secret={s.ClientSecret} --github {s.Ghp}",
                    ["tls-key"] = pem,
                    ["registry"] = $"https://deploy:{s.UrlPassword}@registry.example.com/v2/",
                },
            },
        };
        Write($"/var/lib/docker/containers/{ContainerId}/config.v2.json", config.ToJsonString());
        Write($"/var/lib/docker/containers/{ContainerId}/hostconfig.json", """{"RestartPolicy":{"Name":"always","MaximumRetryCount":0}}""");

        Write("/var/lib/cloud/instance/user-data.txt", $"""
            #!/bin/bash
            export AWS_ACCESS_KEY_ID={s.KeyId}
            export AWS_SECRET_ACCESS_KEY={s.AwsSecret}
            export GITHUB_TOKEN={s.Ghp}
            curl -fsSL -o /usr/bin/kubelet "{presigned}"
            curl -fsSL https://deploy:{s.UrlPassword}@artifacts.example.com/kubectl -o /usr/bin/kubectl
            curl -H "Authorization: Bearer {s.Bearer}" "https://api.example.com/v1/nodes?jwt={s.QueryJwt}"
            kubeadm join 10.0.0.1:6443 --token {s.JoinToken} --discovery-token-ca-cert-hash {CaHash}
            systemctl enable --now agent.service
            """);
        Write("/etc/eks/bootstrap.sh", $"""
            #!/bin/bash
            SLACK_TOKEN={s.SlackBot}
            curl -u deploy:{s.BasicPassword} https://artifacts.example.com/agent.sha256
            curl -fsSL -H "PRIVATE-TOKEN: {s.GitLab}" "https://gitlab.example.com/api/v4/projects/1/packages/generic/agent/1.4/agent?private_token={s.GitLab}" -o /usr/bin/agent
            /usr/bin/nodeadm init --bootstrap-token {s.JoinToken} --header "Authorization: Bearer {s.Jwt}"
            """);

        var errors = new JsonArray(
            $"('runcmd', ProcessExecutionError(\"kubeadm join failed with token {s.CloudInitToken}: unauthorized\"))",
            $"('scripts_user', RuntimeError('curl -H \"Authorization: Bearer {s.Bearer}\" https://deploy:{s.UrlPassword}@artifacts.example.com/x failed'))",
            $"token {s.Ghs} rejected; jwt {s.Jwt} expired; key {s.KeyId}",
            $"curl {presigned}: 403");
        if (finishedCloudInit)
            Write("/var/lib/cloud/data/result.json", new JsonObject { ["v1"] = new JsonObject { ["datasource"] = $"DataSourceEc2Local token={s.FlagToken}", ["errors"] = errors } }.ToJsonString());
        else
            Write("/run/cloud-init/status.json", new JsonObject { ["v1"] = new JsonObject { ["stage"] = null, ["datasource"] = "DataSourceEc2Local", ["modules-final"] = new JsonObject { ["errors"] = errors } } }.ToJsonString());
        return root;
    }

    /// <summary>A host for <c>probe</c>: /proc and /sys files it reads, and a kernel log whose ENA lines carry secrets
    /// where the parser takes free text (interface name, driver version).</summary>
    public static string SeedHost(string host, SecretCorpus s)
    {
        Directory.CreateDirectory(Path.Combine(host, "proc"));
        File.WriteAllText(Path.Combine(host, "proc", "cgroups"), "#subsys_name\thierarchy\tnum_cgroups\tenabled\nmemory\t0\t212\t1\n");
        Directory.CreateDirectory(Path.Combine(host, "sys", "fs", "cgroup"));
        File.WriteAllText(Path.Combine(host, "sys", "fs", "cgroup", "cgroup.stat"), "nr_descendants 238\nnr_dying_descendants 12\n");
        File.WriteAllText(Path.Combine(host, "proc", "stat"), "cpu  100 0 100 1000 0 0 0 0 0 0\ncpu0 100 0 100 1000 0 0 0 0 0 0\n");
        Directory.CreateDirectory(Path.Combine(host, "sys", "class", "net", "eth0", "device"));
        File.WriteAllText(Path.Combine(host, "sys", "class", "net", "eth0", "device", "uevent"), "DRIVER=ena\nPCI_SLOT_NAME=0000:20:03.0\n");
        File.WriteAllText(Path.Combine(host, "kernel.log"), $"""
            [  100.000001] ena 0000:20:04.0 {s.KernelIfToken}: TX q 5 is paused for too long (threshold 5000000). Time since last napi 6596000 usec. napi scheduled: 1
            [  100.000002] ena 0000:20:04.0 {s.KernelIfToken}: Trigger reset is on
            [  100.000003] ena 0000:20:03.0: Device reset completed successfully, Driver info: Elastic Network Adapter (ENA) v{s.KernelVersionToken}
            [  100.000004] NETDEV WATCHDOG: {s.Ghr} (ena): transmit queue 1 timed out
            [  100.000005] audit: cmdline="/usr/bin/agent --token={s.FlagToken}" key={s.AwsSecret}
            """);
        return host;
    }

    /// <summary>A policy whose rules fail on every secret-bearing fact (so every reporter prints them), and whose
    /// examples carry a secret — one example deliberately wrong, so `policy test` prints it back.</summary>
    public static string WritePolicy(string path, SecretCorpus s)
    {
        File.WriteAllText(path, $$"""
            apiVersion: amiaudit/v1
            kind: Policy
            metadata:
              name: redaction-corpus
              description: Fails on every fact that could hold a secret, so that every reporter shows it.
            rules:
              - id: CORPUS-UNIT
                title: Units run nothing
                severity: high
                for: systemd.units
                where: { name: { in: [agent.service, kubeadm-join.service] } }
                expect:
                  execStart: { isEmpty: true }
                  execStartPre: { isEmpty: true }
                  description: { equals: none }
                examples:
                  pass:
                    - { name: agent.service, execStart: ["/usr/bin/agent --token={{s.PolicyExampleToken}}"], execStartPre: [], description: none }
                  fail:
                    - { name: agent.service, execStart: ["/usr/bin/agent"], execStartPre: [], description: none }
              - id: CORPUS-CONTAINER
                title: Containers have no image and no labels
                severity: high
                for: containers
                expect:
                  image: { equals: none }
                  labels: { isEmpty: true }
                examples:
                  pass: [ { image: none, labels: {} } ]
                  fail: [ { image: "deploy:{{s.PolicyExampleToken}}@registry.example.com/a:1", labels: { a: b } } ]
              - id: CORPUS-URL
                title: Bootstrap fetches nothing
                severity: medium
                for: bootstrap.urls
                expect:
                  redacted: { equals: none }
                examples:
                  pass: [ { redacted: none } ]
                  fail: [ { redacted: "https://h/x?token=y" } ]
              - id: CORPUS-CLOUDINIT
                title: cloud-init has no errors and no datasource
                severity: medium
                for: bootstrap.cloudInit
                expect:
                  errors: { isEmpty: true }
                  datasource: { equals: none }
                examples:
                  pass: [ { errors: [], datasource: none } ]
                  fail: [ { errors: ["x"], datasource: none } ]
            """);
        return path;
    }
}
