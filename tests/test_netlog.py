"""The network recorders themselves (tests/netlog.py): a recorder that misreads strace fails good runs or passes bad ones."""
from tests.netlog import traffic_in_strace

ROUTE_PROBE = ('100 connect(30<UDPv6:[77]>, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
               'inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0')


def test_a_route_probe_then_a_pipe_message_on_the_same_number_in_another_process_is_no_traffic(tmp_path):
    log = tmp_path / "c.strace"
    log.write_text("\n".join(["100 socket(AF_INET6, SOCK_DGRAM, IPPROTO_IP) = 30<UDPv6:[77]>", ROUTE_PROBE,
                              "200 sendmsg(30<UNIX-STREAM:[1234->1235]>, {msg_name=NULL}, MSG_NOSIGNAL) = 10"]))
    assert traffic_in_strace(log) == []


def test_a_packet_to_the_outside_is_traffic_and_one_to_loopback_is_not(tmp_path):
    log = tmp_path / "c.strace"
    log.write_text("\n".join([
        "300 sendmsg(31<UDPv6:[[2001:db8::2]:5353->[2001:4860:4860::8888]:443]>, {msg_name=NULL}, 0) = 10",
        '301 sendto(32<UDP:[127.0.0.1:40000->127.0.0.1:53]>, "x", 1, 0, NULL, 0) = 1',
        '302 sendto(33<UDP:[10.0.0.2:40000->8.8.8.8:53]>, "x", 1, 0, NULL, 0) = 1']))
    assert traffic_in_strace(log) == ["udp 2001:4860:4860::8888:443", "udp 8.8.8.8:53"]
