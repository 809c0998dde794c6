using System.ComponentModel.DataAnnotations;

namespace Iess.Identity.Messaging;

/// <summary>What happens to queued messages.</summary>
public enum DeliveryMode
{
    /// <summary>Kept in the app and shown at /dev/mail and /dev/sms (Development only).</summary>
    Capture,

    /// <summary>Sent: email over SMTP, SMS through the HTTP gateway.</summary>
    Deliver,
}

/// <summary>Outbox, SMTP and SMS gateway settings, bound from <c>Iess:Messaging</c>.</summary>
public sealed class MessagingOptions
{
    public const string Section = "Iess:Messaging";

    /// <summary>Defaults to Capture in Development and Deliver elsewhere.</summary>
    public DeliveryMode? Mode { get; set; }

    public TimeSpan DispatchInterval { get; set; } = TimeSpan.FromSeconds(2);

    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>First retry delay; doubled on each failure.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a node holds a claimed message before another node may take it over.</summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(2);

    [Range(1, 500)]
    public int BatchSize { get; set; } = 20;

    public SmtpOptions Smtp { get; set; } = new();

    public SmsGatewayOptions Sms { get; set; } = new();
}

/// <summary>The mail relay MailKit talks to.</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>None, Auto, StartTls, StartTlsWhenAvailable or SslOnConnect (MailKit's SecureSocketOptions).</summary>
    public string Security { get; set; } = "StartTlsWhenAvailable";

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string FromAddress { get; set; } = "no-responder@iess.gob.ec";

    public string FromName { get; set; } = "IESS";

    /// <summary>PEM private key for DKIM signing; no signing when empty.</summary>
    public string? DkimPrivateKeyPath { get; set; }

    public string? DkimDomain { get; set; }

    public string? DkimSelector { get; set; }
}

/// <summary>The SMS gateway: a JSON POST of <c>{ "to": "+593…", "text": "…" }</c> with a bearer key.</summary>
public sealed class SmsGatewayOptions
{
    public Uri? Endpoint { get; set; }

    public string? ApiKey { get; set; }
}
