//! A small SMTP server that keeps what it receives: the development mail
//! catcher behind `/dev/mail`, and the real SMTP server of the tests and
//! the benchmark. Mail really travels over SMTP to it. It can refuse every
//! mail (temporarily or for good) and be stopped and started again, to
//! show what the worker does when the mail server misbehaves.

use base64::Engine;
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
fn split_message(raw: &str) -> (Vec<(String, String)>, &str) {
    let (head, body) = match raw.find("\r\n\r\n") {
        Some(i) => (&raw[..i], &raw[i + 4..]),
        None => match raw.find("\n\n") {
            Some(i) => (&raw[..i], &raw[i + 2..]),
            None => (raw, ""),
        },
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    (headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn quoted_printable(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes[i + 1..].starts_with(b"\r\n") => i += 3,
            b'=' if bytes[i + 1..].starts_with(b"\n") => i += 2,
            b'=' => match s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(b) => {
                    out.push(b);
                    i += 3;
                }
                None => {
                    out.push(b'=');
                    i += 1;
                }
            },
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn base64(s: &str) -> Vec<u8> {
    let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean)
        .unwrap_or_default()
}

/// RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`) in a header.
pub fn decode_words(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let before = &rest[..start];
        let word = rest[start + 2..].splitn(3, '?').collect::<Vec<_>>();
        let decoded = if word.len() == 3 {
            let (enc, tail) = (word[1], word[2]);
            tail.find("?=").map(|end| {
                let data = &tail[..end];
                let bytes = match enc {
                    "b" | "B" => base64(data),
                    _ => quoted_printable(&data.replace('_', " ")),
                };
                let consumed = start + 2 + word[0].len() + 1 + enc.len() + 1 + end + 2;
                (String::from_utf8_lossy(&bytes).into_owned(), consumed)
            })
        } else {
            None
        };
        match decoded {
            Some((text, consumed)) => {
                // Whitespace between two encoded words is not part of the text.
                if !(last_was_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&text);
                rest = &rest[consumed..];
                last_was_word = true;
            }
            None => {
                out.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
                last_was_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text parts of a message or part: (content type, decoded text).
fn parts(headers: &[(String, String)], body: &str, out: &mut Vec<(String, String)>) {
    let content_type = header(headers, "content-type")
        .unwrap_or("text/plain")
        .to_string();
    let lower = content_type.to_ascii_lowercase();
    if lower.starts_with("multipart/") {
        let boundary = content_type
            .split(';')
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
            .map(|(_, v)| v.trim().trim_matches('"').to_string());
        if let Some(b) = boundary {
            let delimiter = format!("--{b}");
            for chunk in body.split(delimiter.as_str()).skip(1) {
                if chunk.starts_with("--") {
                    break;
                }
                let chunk = chunk.trim_start_matches(['\r', '\n']);
                let (h, b) = split_message(chunk);
                parts(&h, b, out);
            }
        }
        return;
    }
    let bytes = match header(headers, "content-transfer-encoding").map(|e| e.to_ascii_lowercase()) {
        Some(e) if e == "base64" => base64(body),
        Some(e) if e == "quoted-printable" => quoted_printable(body),
        _ => body.as_bytes().to_vec(),
    };
    let kind = lower.split(';').next().unwrap_or("").trim().to_string();
    out.push((kind, String::from_utf8_lossy(&bytes).replace("\r\n", "\n")));
}

/// Decodes a received message.
pub fn decode(raw: String, from: String, to: Vec<String>) -> Received {
    let (headers, body) = split_message(&raw);
    let mut found = Vec::new();
    parts(&headers, body, &mut found);
    let pick = |kind: &str| {
        found
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, t)| t.trim_end_matches('\n').to_string())
            .unwrap_or_default()
    };
    Received {
        message_id: header(&headers, "message-id").unwrap_or("").to_string(),
        subject: decode_words(header(&headers, "subject").unwrap_or("")),
        text: pick("text/plain"),
        html: pick("text/html"),
        from,
        to,
        at: Instant::now(),
        received_at: Utc::now(),
        raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words_in_headers_are_decoded() {
        assert_eq!(decode_words("=?utf-8?b?QmXDq2luZGln?="), "Beëindig");
        assert_eq!(decode_words("=?utf-8?q?Be=C3=ABindig_nu?= en"), "Beëindig nu en");
        assert_eq!(decode_words("=?utf-8?b?QQ==?= =?utf-8?b?Qg==?="), "AB");
        assert_eq!(decode_words("gewoon"), "gewoon");
    }

    #[test]
    fn multipart_alternative_with_both_transfer_encodings_is_decoded() {
        let raw = "Subject: Hallo\r\nMessage-ID: <x@y>\r\nContent-Type: multipart/alternative;\r\n boundary=\"b1\"\r\n\r\n\
--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nBe=C3=ABindig deze =\r\nregel\r\n\
--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPHA+SGFsbG88L3A+\r\n--b1--\r\n";
        let m = decode(raw.to_string(), "a@b".into(), vec!["c@d".into()]);
        assert_eq!(m.subject, "Hallo");
        assert_eq!(m.message_id, "<x@y>");
        assert_eq!(m.text, "Beëindig deze regel");
        assert_eq!(m.html, "<p>Hallo</p>");
    }

    #[test]
    fn addresses_are_taken_from_angle_brackets() {
        assert_eq!(address_of("<anna@ggd.example> SIZE=100"), "anna@ggd.example");
        assert_eq!(address_of("anna@ggd.example"), "anna@ggd.example");
    }
}
