#include "server/http/tls_context.hpp"

#include <cstdio>
#include <ctime>
#include <fstream>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509err.h>

namespace launchguard::server {
namespace {

namespace ssl = boost::asio::ssl;

// TLS 1.2 suites with forward secrecy and AEAD; TLS 1.3 suites are OpenSSL's defaults.
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string openssl_reason() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

bool readable(const std::string& path) {
  return std::ifstream(path).good();
}

// Reads the first certificate of a PEM file, to check its dates.
std::unique_ptr<X509, decltype(&X509_free)> first_certificate(const std::string& path) {
  std::unique_ptr<X509, decltype(&X509_free)> cert(nullptr, X509_free);
  if (FILE* file = std::fopen(path.c_str(), "r")) {
    cert.reset(PEM_read_X509(file, nullptr, nullptr, nullptr));
    std::fclose(file);
  }
  return cert;
}

std::string asn1_time_text(const ASN1_TIME* time) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  ASN1_TIME_print(bio.get(), time);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string check_validity(const std::string& path) {
  auto cert = first_certificate(path);
  if (!cert) return path + ": no PEM certificate found";
  if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) < 0) {
    return path + ": certificate expired on " + asn1_time_text(X509_get0_notAfter(cert.get()));
  }
  if (X509_cmp_current_time(X509_get0_notBefore(cert.get())) > 0) {
    return path + ": certificate is not valid before " +
           asn1_time_text(X509_get0_notBefore(cert.get()));
  }
  return {};
}

}  // namespace

outcome<std::shared_ptr<ssl::context>> load_tls_context(const tls_files& files) {
  for (const std::string* path : {&files.certificate, &files.private_key, &files.client_ca}) {
    if (!path->empty() && !readable(*path)) return failure{*path + ": cannot read the file"};
  }
  if (std::string problem = check_validity(files.certificate); !problem.empty())
    return failure{problem};

  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                       ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_cipher_list(native, tls12_ciphers);

  if (SSL_CTX_use_certificate_chain_file(native, files.certificate.c_str()) != 1) {
    return failure{files.certificate + ": not a usable PEM certificate chain (" + openssl_reason() +
                   ")"};
  }
  if (SSL_CTX_use_PrivateKey_file(native, files.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return failure{files.private_key + ": the private key does not match the certificate in " +
                     files.certificate};
    }
    return failure{files.private_key + ": not a usable PEM private key (" + openssl_reason() + ")"};
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return failure{files.private_key + ": the private key does not match the certificate in " +
                   files.certificate};
  }
  if (!files.client_ca.empty()) {
    if (SSL_CTX_load_verify_locations(native, files.client_ca.c_str(), nullptr) != 1) {
      return failure{files.client_ca + ": not a usable PEM CA certificate (" + openssl_reason() +
                     ")"};
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(files.client_ca.c_str());
    if (names != nullptr) SSL_CTX_set_client_CA_list(native, names);
    // Ask for a certificate but let the handshake finish without a valid one: the endpoints
    // answer 403 with a reason, which says more than a failed handshake, and the ops-facing
    // paths stay reachable.
    SSL_CTX_set_verify(native, SSL_VERIFY_PEER, [](int, X509_STORE_CTX*) { return 1; });
  }
  return context;
}

std::optional<std::int64_t> certificate_expiry(boost::asio::ssl::context& context) {
  X509* certificate = SSL_CTX_get0_certificate(context.native_handle());
  if (certificate == nullptr) return std::nullopt;
  std::tm when{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(certificate), &when) != 1) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&when));
}

}  // namespace launchguard::server
