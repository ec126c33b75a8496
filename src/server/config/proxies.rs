//! Which proxies' `X-Forwarded-For` is believed, and the client address
//! that follows from it.

use sqlx::types::ipnetwork::IpNetwork;
use std::net::{IpAddr, SocketAddr};

/// The networks of the proxies in front of the app (`TRUSTED_PROXIES`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNetwork>);

/// `TRUSTED_PROXIES` when it is not set: a proxy on the same machine.
pub const DEFAULT_TRUSTED_PROXIES: &str = "127.0.0.0/8, ::1/128";

impl TrustedProxies {
    /// A comma-separated list of addresses and networks (`10.0.0.0/8`).
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let net = item
                .parse::<IpNetwork>()
                .map_err(|_| format!("'{item}' is geen adres of netwerk, bijvoorbeeld 10.0.0.0/8"))?;
            nets.push(net);
        }
        if nets.is_empty() {
            return Err("noem minstens één proxy, bijvoorbeeld 127.0.0.1".into());
        }
        Ok(TrustedProxies(nets))
    }

    fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client behind `peer` (the socket's other end): going from the
    /// right through the `X-Forwarded-For` entries (`forwarded`, each header
    /// line in order), every address a trusted proxy reports is taken as
    /// long as the one reporting it is a trusted proxy. The first address
    /// that is not a trusted proxy is the client. So the entries a client
    /// writes itself (on the left) are never believed, and a client that
    /// reaches the app directly cannot name another address at all.
    pub fn client(&self, peer: IpAddr, forwarded: &[&str]) -> IpAddr {
        let mut client = peer.to_canonical();
        let entries = forwarded
            .iter()
            .flat_map(|line| line.split(','))
            .collect::<Vec<_>>();
        for entry in entries.into_iter().rev() {
            if !self.contains(client) {
                break;
            }
            match address(entry.trim()) {
                Some(ip) => client = ip.to_canonical(),
                // What a trusted proxy passed on is unreadable: the proxy
                // itself is the last address known for sure.
                None => break,
            }
        }
        client
    }
}

/// An entry as proxies write it: `192.0.2.1`, `2001:db8::1`, or with a port
/// (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
fn address(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(list: &str) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    #[test]
    fn the_right_most_address_not_a_trusted_proxy_is_the_client() {
        let p = proxies(DEFAULT_TRUSTED_PROXIES);
        // The client wrote 203.0.113.66 itself; the local proxy added the real one.
        let got = p.client(ip("127.0.0.1"), &["203.0.113.66, 198.51.100.7"]);
        assert_eq!(got, ip("198.51.100.7"));
        // Two proxies: a load balancer in 10.0.0.0/8 and a local one.
        let p = proxies("127.0.0.1, 10.0.0.0/8");
        let got = p.client(ip("127.0.0.1"), &["203.0.113.66, 198.51.100.7, 10.1.2.3"]);
        assert_eq!(got, ip("198.51.100.7"));
        // Header lines count as one list, in order.
        let got = p.client(ip("127.0.0.1"), &["203.0.113.66", "198.51.100.7", "10.1.2.3"]);
        assert_eq!(got, ip("198.51.100.7"));
    }

    #[test]
    fn a_client_that_is_no_proxy_cannot_name_another_address() {
        let p = proxies(DEFAULT_TRUSTED_PROXIES);
        let got = p.client(ip("198.51.100.7"), &["127.0.0.1, 203.0.113.66"]);
        assert_eq!(got, ip("198.51.100.7"));
    }

    #[test]
    fn without_a_header_or_with_an_unreadable_entry_the_last_sure_address_counts() {
        let p = proxies("127.0.0.1, 10.0.0.0/8");
        assert_eq!(p.client(ip("127.0.0.1"), &[]), ip("127.0.0.1"));
        let got = p.client(ip("127.0.0.1"), &["198.51.100.7, onzin, 10.1.2.3"]);
        assert_eq!(got, ip("10.1.2.3"));
        // Only proxies in the chain: the left-most of them.
        assert_eq!(p.client(ip("127.0.0.1"), &["10.9.9.9"]), ip("10.9.9.9"));
    }

    #[test]
    fn ports_brackets_and_mapped_addresses_are_understood() {
        let p = proxies(DEFAULT_TRUSTED_PROXIES);
        assert_eq!(
            p.client(ip("::ffff:127.0.0.1"), &["198.51.100.7:4711"]),
            ip("198.51.100.7")
        );
        assert_eq!(p.client(ip("::1"), &["[2001:db8::5]:4711"]), ip("2001:db8::5"));
    }

    #[test]
    fn the_list_is_checked() {
        assert!(TrustedProxies::parse("10.0.0.0/8, 192.168.1.1").is_ok());
        assert!(TrustedProxies::parse("").is_err());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.example").is_err());
    }
}
