//! TLS connections with one deadline for the TLS handshake and the HTTP/2 preface together
//! (feature `grpc-tls`).
//!
//! When tonic terminates TLS itself (`Server::tls_config`), [`super::incoming`]'s timer sees
//! only the encrypted bytes: the ClientHello alone is longer than the preface, so the timer
//! stops there, and `ServerTlsConfig::timeout` bounds only the TLS handshake. A client that
//! completes the handshake and then sends half the preface would hold its connection forever.
//! [`incoming_tls`] does the TLS handshake itself, so the [`Handshake`] timer runs on the
//! decrypted stream, where the preface is, and covers both steps.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;

use super::{HANDSHAKE_TIMEOUT, Handshake};

/// How many connections that finished their TLS handshake may wait for the server to take them.
const QUEUE: usize = 64;

/// A server TLS configuration from a PEM certificate chain and a PEM private key (PKCS#8,
/// PKCS#1 or SEC1), with ALPN `h2` (gRPC's protocol). Like tonic's `tls_config`, it uses the
/// process's rustls crypto provider: the one installed with `CryptoProvider::install_default`,
/// else the one rustls's features select (ring, which this feature enables).
pub fn server_tls_config(cert_pem: &[u8], key_pem: &[u8]) -> io::Result<rustls::ServerConfig> {
    let invalid = |what: &str, e: &dyn std::fmt::Display| {
        io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: {e}"))
    };
    let certs = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| invalid("certificate", &e))?;
    if certs.is_empty() {
        return Err(invalid(
            "certificate",
            &"no CERTIFICATE block in the PEM text",
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| invalid("private key", &e))?;
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| invalid("certificate and key", &e))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

/// The TLS connections `listener` accepts, for `serve_with_incoming` (without tonic's own
/// `tls_config`). Each must finish its TLS handshake and send the HTTP/2 preface within
/// [`HANDSHAKE_TIMEOUT`] in all, or it is closed; handshakes run concurrently, so a slow client
/// does not hold up the others, and a failed one is dropped without ending the stream.
///
/// Call it inside a Tokio runtime: it spawns the accept loop, which ends when the stream is
/// dropped.
pub fn incoming_tls(
    listener: TcpListener,
    config: rustls::ServerConfig,
) -> impl Stream<Item = io::Result<Handshake<TlsStream<TcpStream>>>> + Send + 'static {
    incoming_tls_with_timeout(listener, config, HANDSHAKE_TIMEOUT)
}

/// [`incoming_tls`] with another timeout for the TLS handshake and the preface together.
pub fn incoming_tls_with_timeout(
    listener: TcpListener,
    config: rustls::ServerConfig,
    timeout: Duration,
) -> impl Stream<Item = io::Result<Handshake<TlsStream<TcpStream>>>> + Send + 'static {
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let (tx, rx) = mpsc::channel(QUEUE);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = tx.closed() => return,
            };
            let stream = match accepted.and_then(|(stream, _)| {
                stream.set_nodelay(true)?;
                Ok(stream)
            }) {
                Ok(stream) => stream,
                Err(e) => {
                    // A failed accept (out of file descriptors, say) is the server's to see.
                    if tx.send(Err(e)).await.is_err() {
                        return;
                    }
                    continue;
                }
            };
            let (acceptor, tx) = (acceptor.clone(), tx.clone());
            tokio::spawn(async move {
                let deadline = Instant::now() + timeout;
                if let Ok(Ok(tls)) =
                    tokio::time::timeout_at(deadline, acceptor.accept(stream)).await
                {
                    let _ = tx.send(Ok(Handshake::until(tls, deadline))).await;
                }
            });
        }
    });
    ReceiverStream::new(rx)
}
