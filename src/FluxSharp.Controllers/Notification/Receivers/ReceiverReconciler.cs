using System.Text;
using FluxSharp.Api;
using FluxSharp.Api.Notification.V1;
using FluxSharp.Kubernetes.Client;
using FluxSharp.Kubernetes.Runtime;
using k8s;
using Microsoft.Extensions.Logging;

namespace FluxSharp.Controllers.Notification.Receivers;

/// <summary>
/// Receiver, as notification-controller reconciles it: checks the filters and the OIDC settings (a bad one stalls
/// it, "Reconciliation failed terminally due to configuration error"), reads the token from spec.secretRef (missing:
/// Ready=False TokenNotFound, no webhook path, retried) and publishes status.webhookPath = /hook/sha256(token+name+namespace)
/// with Ready=True "Receiver initialized for path: ...". The receiver server accepts calls only on Ready Receivers.
/// </summary>
public sealed class ReceiverReconciler : FluxReconciler<Receiver, ReceiverStatus>
{
    public const string TokenNotFoundReason = "TokenNotFound";
    public const string ValidationFailedReason = "ValidationFailed";
    public const string UnsupportedReason = "UnsupportedType";
    private const string TerminalPrefix = "Reconciliation failed terminally due to configuration error";

    private static readonly ApiResource Secrets = new(string.Empty, "v1", "secrets", "Secret");

    private readonly KubeClient _client;

    public ReceiverReconciler(IKubernetes kube, EventRecorder events, ILogger logger, TimeProvider? time = null)
        : base(kube, FluxResources.Receivers, FluxNames.NotificationController, events, logger, time)
    {
        _client = new KubeClient(kube);
    }

    protected override async Task ReconcileStepsAsync(ReconcileRun<Receiver, ReceiverStatus> run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var receiver = run.Object;
        CheckFilters(receiver.Spec);
        if (ValidateOidcSpec(receiver.Spec) is { } invalid)
        {
            throw new StallingException(ValidationFailedReason, $"{TerminalPrefix}: {invalid}");
        }

        if (Unsupported(receiver.Spec.Type) is { } unsupported)
        {
            run.Status = run.Status with { WebhookPath = null };
            throw new StallingException(UnsupportedReason, unsupported);
        }

        string token;
        try
        {
            token = await TokenAsync(receiver, cancellationToken);
        }
        catch (ReconcileException)
        {
            run.Status = run.Status with { WebhookPath = null };
            throw;
        }

        var path = Receiver.WebhookPath(token, receiver.Metadata.Name, receiver.Metadata.NamespaceProperty ?? string.Empty);
        run.Status = run.Status with { WebhookPath = path };
        run.Succeeded(ConditionReasons.Succeeded, $"Receiver initialized for path: {path}");
    }

    /// <summary>Types whose calls cannot be verified here yet: the Receiver stalls saying so, rather than accepting unverified calls.</summary>
    internal static string? Unsupported(string type) => type switch
    {
        ReceiverTypes.Gcr => "spec.type \"gcr\" is not supported by FluxSharp yet: verifying the Google-signed ID token of a GCR push needs Google's public keys online",
        ReceiverTypes.GenericOidc => "spec.type \"generic-oidc\" is not supported by FluxSharp yet: OIDC token verification (issuer discovery, JWKS, claim validations) is not implemented",
        _ => null,
    };

    /// <summary>Flux's validateOIDCSpec (the CRD's rules, for objects written before them).</summary>
    private static string? ValidateOidcSpec(ReceiverSpec spec)
    {
        var oidc = spec.Type == ReceiverTypes.GenericOidc;
        var providers = spec.OidcProviders?.Count ?? 0;
        return oidc && providers == 0 ? "generic-oidc receiver requires at least one oidcProvider"
            : !oidc && providers > 0 ? "oidcProviders can only be set when type is generic-oidc"
            : oidc && spec.SecretRef is not null ? "secretRef cannot be set when type is generic-oidc"
            : !oidc && spec.SecretRef is null ? "secretRef is required when type is not generic-oidc"
            : null;
    }

    /// <summary>Every CEL filter compiles, or the Receiver stalls with InvalidCELExpression naming it.</summary>
    private static void CheckFilters(ReceiverSpec spec)
    {
        if (!string.IsNullOrEmpty(spec.ResourceFilter))
        {
            try
            {
                ReceiverResourceFilter.Compile(spec.ResourceFilter);
            }
            catch (FormatException e)
            {
                throw new StallingException(ConditionReasons.InvalidCelExpression, $"{TerminalPrefix}: invalid resourceFilter expression: {e.Message}");
            }
        }

        for (var i = 0; i < spec.Resources.Count; i++)
        {
            var res = spec.Resources[i];
            if (string.IsNullOrEmpty(res.Filter))
            {
                continue;
            }

            try
            {
                ReceiverResourceFilter.Compile(res.Filter);
            }
            catch (FormatException e)
            {
                throw new StallingException(ConditionReasons.InvalidCelExpression, $"{TerminalPrefix}: invalid filter expression for resources[{i}] (kind=\"{res.Kind}\", name=\"{res.Name}\"): {e.Message}");
            }
        }
    }

    /// <summary>The Secret's <c>token</c>; empty without secretRef (generic-oidc). The token itself never reaches a message.</summary>
    private async Task<string> TokenAsync(Receiver receiver, CancellationToken cancellationToken)
    {
        if (receiver.Spec.SecretRef is not { } secretRef)
        {
            return string.Empty;
        }

        var key = $"{receiver.Metadata.NamespaceProperty}/{secretRef.Name}";
        var secret = await _client.GetAsync(Secrets, receiver.Metadata.NamespaceProperty, secretRef.Name, cancellationToken)
            ?? throw new ReconcileException(TokenNotFoundReason, $"unable to read token from secret '{key}' error: secrets \"{secretRef.Name}\" not found");
        return (string?)secret["data"]?["token"] is { } encoded
            ? Encoding.UTF8.GetString(Convert.FromBase64String(encoded))
            : throw new ReconcileException(TokenNotFoundReason, $"invalid '{key}' secret data: required fields 'token'");
    }
}
