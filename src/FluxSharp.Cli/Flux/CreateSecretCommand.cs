using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using FluxSharp.Kubernetes.Client;
using k8s;
using k8s.Models;

namespace FluxSharp.Cli.Flux;

/// <summary>
/// `fluxsharp create secret git NAME`: the Secret a GitRepository's secretRef names, with HTTP/S credentials.
/// Its values go to the cluster, or to stdout with --export, never to the log.
/// </summary>
internal static class CreateSecretCommand
{
    /// <summary>The annotation flux writes on a receiver Secret: the webhook URL its token yields.</summary>
    public const string ReceiverWebhookAnnotation = "notification.toolkit.fluxcd.io/webhook";

    public static Command Create()
    {
        var name = CreateCommand.NameArgument("Secret");
        var url = new Option<string?>("--url") { Description = "git address, e.g. https://host/org/repository" };
        var username = new Option<string?>("--username", "-u") { Description = "basic authentication username" };
        var password = new Option<string?>("--password", "-p") { Description = "basic authentication password" };
        var bearerToken = new Option<string?>("--bearer-token") { Description = "bearer authentication token" };
        var caFile = new Option<string?>("--ca-crt-file", "--ca-file") { Description = "path to TLS CA certificate file used for validating self-signed certificates" };
        var git = new Command("git", "Create or update a Kubernetes secret for Git authentication") { name, url, username, password, bearerToken, caFile };
        git.SetAction((parse, ct) =>
        {
            var secretName = CreateCommand.ValidName(parse.GetValue(name));
            var address = parse.GetValue(url);
            if (string.IsNullOrEmpty(address))
            {
                throw new CliException("url is required");
            }

            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
            {
                throw new CliException($"git URL parse failed: \"{FluxSharp.Sources.Git.GitSanitizer.RedactUrl(address)}\" is not a valid URL");
            }

            if (uri.Scheme is not ("http" or "https"))
            {
                throw new CliException($"git URL scheme '{uri.Scheme}' not supported by fluxsharp create secret git yet, can be: http and https");
            }

            var (user, pass, token) = (parse.GetValue(username), parse.GetValue(password), parse.GetValue(bearerToken));
            if ((string.IsNullOrEmpty(user) || string.IsNullOrEmpty(pass)) && string.IsNullOrEmpty(token))
            {
                throw new CliException("for Git over HTTP/S the username and password, or a bearer token is required");
            }

            if (!string.IsNullOrEmpty(user) && !string.IsNullOrEmpty(pass) && !string.IsNullOrEmpty(token))
            {
                throw new CliException("user credentials and bearer token cannot be used together");
            }

            var data = new JsonObject();
            if (!string.IsNullOrEmpty(user) && !string.IsNullOrEmpty(pass))
            {
                data["username"] = user;
                data["password"] = pass;
            }

            if (!string.IsNullOrEmpty(token))
            {
                data["bearerToken"] = token;
            }

            if (parse.GetValue(caFile) is { Length: > 0 } ca)
            {
                try
                {
                    data["ca.crt"] = File.ReadAllText(ca);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CliException($"unable to read TLS CA file: {e.Message}");
                }
            }

            var metadata = CreateCommand.ToJson(CreateCommand.Metadata(parse, secretName));
            var secret = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = metadata, ["stringData"] = data };
            if (CreateCommand.Exporting(parse))
            {
                // As flux: the secret's manifest (which ends in a newline) is printed with Println, so an empty line follows.
                Console.Out.Write(FluxExport.Yaml([secret]) + "\n");
                return Task.FromResult(0);
            }

            return ReconcileCommand.Run(parse, async (kube, ns, token) =>
            {
                await UpsertAsync(kube, ns, secretName, KubernetesJson.Deserialize<V1Secret>(secret.ToJsonString()), token);
                Log.Action($"git secret '{secretName}' created in '{ns}' namespace");
            }, ct);
        });
        return new Command("secret", "Create or update Kubernetes secrets") { git, Receiver(), Oci() };
    }

    /// <summary>
    /// `create secret receiver NAME --type --hostname [--token]`: a Receiver's token Secret (a random 32-byte hex token
    /// unless given), annotated with the webhook URL it yields; for gcr also the email and audience claims.
    /// </summary>
    private static Command Receiver()
    {
        var name = CreateCommand.NameArgument("Secret");
        var type = new Option<string?>("--type") { Description = $"the receiver type ({string.Join("|", CreateCommand.ReceiverTypeNames)})" };
        var tokenOption = new Option<string?>("--token") { Description = "webhook token used for payload validation and URL computation, auto-generated if not specified" };
        var hostname = new Option<string?>("--hostname") { Description = "hostname for the webhook URL e.g. flux.example.com" };
        var emailClaim = new Option<string?>("--email-claim") { Description = "IAM service account email, required for gcr type" };
        var audienceClaim = new Option<string?>("--audience-claim") { Description = "custom OIDC token audience for gcr type, defaults to the webhook URL" };
        var command = new Command("receiver", "Create or update a Kubernetes secret for a Receiver webhook") { name, type, tokenOption, hostname, emailClaim, audienceClaim };
        command.SetAction((parse, ct) =>
        {
            var secretName = CreateCommand.ValidName(parse.GetValue(name));
            if (string.IsNullOrWhiteSpace(parse.GetValue(type)))
            {
                throw new CliException("--type is required");
            }

            var receiverType = CreateCommand.ValidReceiverType(parse.GetValue(type));
            var host = parse.GetValue(hostname);
            if (string.IsNullOrEmpty(host))
            {
                throw new CliException("--hostname is required");
            }

            var email = parse.GetValue(emailClaim);
            if (receiverType == FluxSharp.Api.Notification.V1.ReceiverTypes.Gcr && string.IsNullOrEmpty(email))
            {
                throw new CliException("--email-claim is required for gcr receiver type");
            }

            var token = parse.GetValue(tokenOption) is { Length: > 0 } given ? given : Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            var metadata = CreateCommand.Metadata(parse, secretName);
            var webhookUrl = $"https://{host}{FluxSharp.Api.Notification.V1.Receiver.WebhookPath(token, secretName, metadata.NamespaceProperty)}";
            metadata.Annotations = new Dictionary<string, string> { [ReceiverWebhookAnnotation] = webhookUrl };
            var data = new JsonObject { ["token"] = token };
            if (receiverType == FluxSharp.Api.Notification.V1.ReceiverTypes.Gcr)
            {
                data["email"] = email;
                data["audience"] = parse.GetValue(audienceClaim) is { Length: > 0 } audience ? audience : webhookUrl;
            }

            var secret = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = CreateCommand.ToJson(metadata), ["stringData"] = data };
            if (CreateCommand.Exporting(parse))
            {
                Console.Out.Write(FluxExport.Yaml([secret]) + "\n");
                return Task.FromResult(0);
            }

            return ReconcileCommand.Run(parse, async (kube, ns, cancellationToken) =>
            {
                await UpsertAsync(kube, ns, secretName, KubernetesJson.Deserialize<V1Secret>(secret.ToJsonString()), cancellationToken);
                Log.Action($"receiver secret '{secretName}' created in '{ns}' namespace");
            }, ct);
        });
        return command;
    }

    /// <summary>`create secret oci NAME --url --username --password`: a kubernetes.io/dockerconfigjson Secret for an OCIRepository's secretRef.</summary>
    private static Command Oci()
    {
        var name = CreateCommand.NameArgument("Secret");
        var url = new Option<string?>("--url") { Description = "oci repository address e.g ghcr.io/stefanprodan/charts" };
        var username = new Option<string?>("--username", "-u") { Description = "basic authentication username" };
        var password = new Option<string?>("--password", "-p") { Description = "basic authentication password" };
        var oci = new Command("oci", "Create or update a Kubernetes image pull secret") { name, url, username, password };
        oci.SetAction((parse, ct) =>
        {
            var secretName = CreateCommand.ValidName(parse.GetValue(name));
            var address = parse.GetValue(url);
            if (string.IsNullOrEmpty(address))
            {
                throw new CliException("--url is required");
            }

            var (user, pass) = (parse.GetValue(username), parse.GetValue(password));
            if (string.IsNullOrEmpty(user) || string.IsNullOrEmpty(pass))
            {
                throw new CliException("--username and --password are required");
            }

            // The registry host: what a dockerconfigjson's auths are keyed by.
            var host = address.StartsWith("oci://", StringComparison.Ordinal) ? address[6..] : address;
            host = host.Split('/')[0];
            var auth = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{pass}"));
            var config = new JsonObject { ["auths"] = new JsonObject { [host] = new JsonObject { ["username"] = user, ["password"] = pass, ["auth"] = auth } } };
            var metadata = CreateCommand.ToJson(CreateCommand.Metadata(parse, secretName));
            var secret = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Secret",
                ["metadata"] = metadata,
                ["type"] = "kubernetes.io/dockerconfigjson",
                ["stringData"] = new JsonObject { [".dockerconfigjson"] = config.ToJsonString() },
            };
            return ReconcileCommand.Run(parse, async (kube, ns, token) =>
            {
                await UpsertAsync(kube, ns, secretName, KubernetesJson.Deserialize<V1Secret>(secret.ToJsonString()), token);
                Log.Action($"oci secret '{secretName}' created in '{ns}' namespace");
            }, ct);
        });
        return oci;
    }

    /// <summary>As flux: create, or replace an existing Secret's stringData and add the labels.</summary>
    private static async Task UpsertAsync(k8s.Kubernetes kube, string ns, string name, V1Secret secret, CancellationToken cancellationToken)
    {
        try
        {
            V1Secret existing;
            try
            {
                existing = await kube.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken);
            }
            catch (Exception e) when (KubeApiException.From(e) is { IsNotFound: true })
            {
                await kube.CoreV1.CreateNamespacedSecretAsync(secret, ns, cancellationToken: cancellationToken);
                return;
            }

            existing.StringData = secret.StringData;
            foreach (var (key, value) in secret.Metadata.Labels ?? new Dictionary<string, string>())
            {
                existing.Metadata.Labels ??= new Dictionary<string, string>();
                existing.Metadata.Labels[key] = value;
            }

            await kube.CoreV1.ReplaceNamespacedSecretAsync(existing, name, ns, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (KubeApiException.From(e) is { } api)
        {
            throw new CliException($"unable to write secret {ns}/{name}: {(int)api.Code} {api.Reason}");
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"unable to connect to the cluster: {e.Message}");
        }
    }
}
