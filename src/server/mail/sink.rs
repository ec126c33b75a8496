//! A small SMTP server that keeps what it receives: the development mail
//! catcher behind `/dev/mail`, and the real SMTP server of the tests and
//! the benchmark. Mail really travels over SMTP to it. It can refuse every
//! mail (temporarily or for good) and be stopped and started again, to
//! show what the worker does when the mail server misbehaves.

use super::mime::decode;
use chrono::{DateTime, Utc};
use std::{
    io,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Instant,
};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpStream},
    task::{JoinHandle, JoinSet},
};

/// A mail as the sink received it, decoded.
#[derive(Debug, Clone)]
pub struct Received {
    pub message_id: String,
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    /// The text/plain part.
    pub text: String,
    /// The text/html part.
    pub html: String,
    /// The message as sent, before decoding.
    pub raw: String,
    pub at: Instant,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Accept,
    /// 451 to every MAIL FROM: try again later.
    RefuseTemporarily,
    /// 550 to every MAIL FROM: refused for good.
    RefusePermanently,
}

type Observer = Arc<dyn Fn(&Received) + Send + Sync>;

struct Inner {
    addr: SocketAddr,
    mails: Mutex<Vec<Received>>,
    mode: Mutex<Mode>,
    server: Mutex<Option<JoinHandle<()>>>,
    /// Keep at most this many mails (the oldest go first).
    keep: usize,
    observer: Option<Observer>,
}

/// The running sink; clones share it.
#[derive(Clone)]
pub struct Sink(Arc<Inner>);

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(h) = self.server.get_mut().ok().and_then(Option::take) {
            h.abort();
        }
    }
}

impl Sink {
    /// Listens on `addr` (port 0 for any free port).
    pub async fn start(addr: SocketAddr, keep: usize) -> io::Result<Sink> {
        Self::start_observed(addr, keep, None).await
    }

    /// Listens on `addr` and calls `observer` with every mail received.
    pub async fn start_observed(
        addr: SocketAddr,
        keep: usize,
        observer: Option<Observer>,
    ) -> io::Result<Sink> {
        let listener = TcpListener::bind(addr).await?;
        let sink = Sink(Arc::new(Inner {
            addr: listener.local_addr()?,
            mails: Mutex::new(Vec::new()),
            mode: Mutex::new(Mode::Accept),
            server: Mutex::new(None),
            keep,
            observer,
        }));
        sink.serve(listener);
        Ok(sink)
    }

    fn serve(&self, listener: TcpListener) {
        let weak = Arc::downgrade(&self.0);
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let Some(inner) = weak.upgrade() else { return };
                        connections.spawn(async move {
                            let _ = session(Sink(inner), stream).await;
                        });
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        *self.0.server.lock().unwrap() = Some(task);
    }

    pub fn addr(&self) -> SocketAddr {
        self.0.addr
    }

    /// `smtp://…?tls=none` for this sink.
    pub fn url(&self) -> String {
        format!("smtp://{}?tls=none", self.0.addr)
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.0.mode.lock().unwrap() = mode;
    }

    /// Stops listening and drops every open connection: the mail server is down.
    pub fn stop(&self) {
        if let Some(h) = self.0.server.lock().unwrap().take() {
            h.abort();
        }
    }

    /// Listens again on the same address.
    pub async fn restart(&self) -> io::Result<()> {
        self.stop();
        let listener = TcpListener::bind(self.0.addr).await?;
        self.serve(listener);
        Ok(())
    }

    /// Every mail kept, oldest first.
    pub fn mails(&self) -> Vec<Received> {
        self.0.mails.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.0.mails.lock().unwrap().len()
    }

    fn keep_mail(&self, mail: Received) {
        if let Some(observe) = &self.0.observer {
            observe(&mail);
        }
        let mut mails = self.0.mails.lock().unwrap();
        if mails.len() >= self.0.keep {
            let excess = mails.len() + 1 - self.0.keep;
            mails.drain(..excess);
        }
        mails.push(mail);
    }
}

const MAX_MESSAGE: usize = 10 * 1024 * 1024;

fn address_of(arg: &str) -> String {
    let arg = arg.trim();
    let inner = arg
        .find('<')
        .and_then(|s| arg[s + 1..].find('>').map(|e| &arg[s + 1..s + 1 + e]))
        .unwrap_or(arg);
    inner.to_string()
}

/// One SMTP conversation (RFC 5321, the part a client like lettre uses).
async fn session(sink: Sink, stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 zorgsignaal-sink ESMTP\r\n").await?;
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if read.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end();
        let (verb, arg) = text.split_once([' ', ':']).unwrap_or((text, ""));
        let reply: &[u8] = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => b"250-zorgsignaal-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760\r\n",
            "HELO" => b"250 zorgsignaal-sink\r\n",
            "MAIL" => {
                let mode = *sink.0.mode.lock().unwrap();
                match mode {
                    Mode::RefuseTemporarily => b"451 4.3.0 Tijdelijk niet beschikbaar\r\n",
                    Mode::RefusePermanently => b"550 5.7.1 Geweigerd\r\n",
                    Mode::Accept => {
                        from = Some(address_of(
                            arg.trim_start_matches([':', ' ']).trim_start_matches("FROM:"),
                        ));
                        to.clear();
                        b"250 2.1.0 OK\r\n"
                    }
                }
            }
            "RCPT" if from.is_none() => b"503 5.5.1 MAIL first\r\n",
            "RCPT" => {
                to.push(address_of(
                    arg.trim_start_matches([':', ' ']).trim_start_matches("TO:"),
                ));
                b"250 2.1.5 OK\r\n"
            }
            "DATA" if to.is_empty() => b"503 5.5.1 RCPT first\r\n",
            "DATA" => {
                write
                    .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut data = Vec::new();
                loop {
                    line.clear();
                    if read.read_until(b'\n', &mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == b".\r\n" || line == b".\n" {
                        break;
                    }
                    let unstuffed = if line.starts_with(b"..") {
                        &line[1..]
                    } else {
                        &line[..]
                    };
                    if data.len() + unstuffed.len() <= MAX_MESSAGE {
                        data.extend_from_slice(unstuffed);
                    }
                }
                let raw = String::from_utf8_lossy(&data).into_owned();
                sink.keep_mail(decode(
                    raw,
                    from.take().unwrap_or_default(),
                    std::mem::take(&mut to),
                ));
                b"250 2.0.0 OK\r\n"
            }
            "RSET" => {
                from = None;
                to.clear();
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 Command not recognised\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// Header fields (unfolded) and the body of a message or MIME part.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_taken_from_angle_brackets() {
        assert_eq!(address_of("<anna@ggd.example> SIZE=100"), "anna@ggd.example");
        assert_eq!(address_of("anna@ggd.example"), "anna@ggd.example");
    }
}
