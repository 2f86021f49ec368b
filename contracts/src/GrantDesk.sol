// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IGovernance} from "./interfaces/IGovernance.sol";
import {IGrantDesk} from "./interfaces/IGrantDesk.sol";
import {IRightsRegistry} from "./interfaces/IRightsRegistry.sol";
import {RightsRegistry} from "./RightsRegistry.sol";
import {AuthKind, GrantRequest, GrantTerms, RequestStatus, RequestTerms, Right} from "./types/DataRightsTypes.sol";

/// @title The grant desk: grants consented off chain and grant requests
/// @notice A right holder (an individual consenting to use of personal data, say) signs grant terms
/// off chain under EIP-712; anyone may submit the signature. Contract holders sign through ERC-1271.
/// A party applies for a grant with a request; the holder approves it, possibly narrowed, or refuses.
contract GrantDesk is EIP712, Nonces, IGrantDesk {
    bytes32 private constant _TERMS_TYPE = keccak256(
        "GrantTerms(uint8 parentKind,uint256 parentId,address grantee,uint8 right,bytes32 purposeHash,"
        "bytes32 scenarioHash,bytes32 scopeHash,bytes32 securityHash,uint40 validFrom,uint40 validUntil,"
        "uint8 endOfTerm,bool subGrantable,bool revocable,string termsURI)"
    );
    bytes32 private constant _SIGNED_GRANT_TYPE = keccak256(
        "SignedGrant(address grantor,GrantTerms terms,uint256 nonce,uint256 deadline)"
        "GrantTerms(uint8 parentKind,uint256 parentId,address grantee,uint8 right,bytes32 purposeHash,"
        "bytes32 scenarioHash,bytes32 scopeHash,bytes32 securityHash,uint40 validFrom,uint40 validUntil,"
        "uint8 endOfTerm,bool subGrantable,bool revocable,string termsURI)"
    );

    IGovernance private immutable _GOVERNANCE;
    RightsRegistry private immutable _RIGHTS;

    mapping(uint256 requestId => GrantRequest) private _requests;
    uint256 private _requestCount;

    /// @param governance the governance contract
    /// @param rights the rights registry that records the grants
    constructor(IGovernance governance, RightsRegistry rights) EIP712("datarights GrantDesk", "1") {
        _GOVERNANCE = governance;
        _RIGHTS = rights;
    }

    /// @notice Submit a grant signed off chain by `grantor`; anyone may submit it, once, before `deadline`.
    /// @param grantor the right holder who signed
    /// @param terms the grant's terms exactly as signed
    /// @param deadline the last block timestamp at which the signature is accepted
    /// @param signature an ECDSA signature (65 bytes) or, for a contract grantor, its ERC-1271 signature
    /// @return grantId the new grant's id
    function submitSignedGrant(address grantor, GrantTerms calldata terms, uint256 deadline, bytes calldata signature)
        external
        returns (uint256 grantId)
    {
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
        uint256 nonce = _useNonce(grantor);
        bytes32 digest = _signedGrantDigest(grantor, terms, nonce, deadline);
        if (!SignatureChecker.isValidSignatureNow(grantor, digest, signature)) revert GrantSignatureInvalid(grantor);
        grantId = _RIGHTS.grantFor(grantor, terms);
        emit SignedGrantSubmitted(grantId, grantor, msg.sender, nonce);
    }

    /// @notice Invalidate every outstanding signature of the caller by consuming its current nonce.
    function invalidateNonce() external {
        _useNonce(msg.sender);
        emit NonceInvalidated(msg.sender, nonces(msg.sender));
    }

    /// @notice Apply for a grant on the right identified by `terms.parentKind` / `terms.parentId`.
    /// The request's filing time is recorded so the statutory reply period can be tracked.
    /// @param terms what is asked for: right, purpose, scenario, scope, security measures and term
    /// @return requestId the request's id
    function requestGrant(RequestTerms calldata terms) external returns (uint256 requestId) {
        _GOVERNANCE.requireActiveParty(msg.sender);
        if (terms.validFrom >= terms.validUntil || terms.validUntil <= block.timestamp) {
            revert RequestTermInvalid(terms.validFrom, terms.validUntil);
        }
        address holder = _holderOf(terms.parentKind, terms.parentId);
        uint40 filedAt = uint40(block.timestamp);
        requestId = ++_requestCount;
        _requests[requestId] = GrantRequest({
            applicant: msg.sender,
            status: RequestStatus.Pending,
            filedAt: filedAt,
            parentKind: terms.parentKind,
            right: terms.right,
            parentId: uint64(terms.parentId),
            validFrom: terms.validFrom,
            validUntil: terms.validUntil,
            purposeScenarioHash: keccak256(abi.encode(terms.purposeHash, terms.scenarioHash))
        });
        emit RequestFiled(requestId, msg.sender, holder, filedAt, terms);
    }

    /// @notice Approve a pending request by granting `terms`, which may be narrower than asked (right,
    /// term, scope, sub-granting) but keep the requested purpose and scenario. Holder of the parent only.
    /// @param requestId the pending request
    /// @param terms the grant's terms; the grantee is the applicant
    /// @return grantId the new grant's id
    function approveRequest(uint256 requestId, GrantTerms calldata terms) external returns (uint256 grantId) {
        GrantRequest storage r = _pendingForHolder(requestId);
        _checkWithinRequest(requestId, r, terms);
        r.status = RequestStatus.Approved;
        grantId = _RIGHTS.grantFor(msg.sender, terms);
        emit RequestApproved(requestId, grantId, msg.sender);
    }

    /// @notice Refuse a pending request with a hashed statement of reasons. Holder of the parent only.
    /// @param requestId the pending request
    /// @param reasonsHash hash of the statement of reasons
    function refuseRequest(uint256 requestId, bytes32 reasonsHash) external {
        _pendingForHolder(requestId).status = RequestStatus.Refused;
        emit RequestRefused(requestId, msg.sender, reasonsHash);
    }

    /// @notice Withdraw a pending request. Applicant only.
    /// @param requestId the pending request
    function withdrawRequest(uint256 requestId) external {
        GrantRequest storage r = _pending(requestId);
        if (r.applicant != msg.sender) revert NotRequestApplicant(requestId, msg.sender);
        r.status = RequestStatus.Withdrawn;
        emit RequestWithdrawn(requestId);
    }

    /// @inheritdoc IGrantDesk
    function request(uint256 requestId) external view returns (GrantRequest memory) {
        return _requests[requestId];
    }

    /// @inheritdoc IGrantDesk
    function signedGrantDigest(address grantor, GrantTerms calldata terms, uint256 nonce, uint256 deadline)
        external
        view
        returns (bytes32)
    {
        return _signedGrantDigest(grantor, terms, nonce, deadline);
    }

    /// @inheritdoc IGrantDesk
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _pending(uint256 requestId) private view returns (GrantRequest storage r) {
        r = _requests[requestId];
        if (r.status == RequestStatus.None) revert RequestNotFound(requestId);
        if (r.status != RequestStatus.Pending) revert RequestNotPending(requestId);
    }

    function _pendingForHolder(uint256 requestId) private view returns (GrantRequest storage r) {
        r = _pending(requestId);
        if (_holderOf(r.parentKind, r.parentId) != msg.sender) revert NotRequestHolder(requestId, msg.sender);
    }

    /// @dev Reverts for a parent that does not exist: a request on it could never be answered.
    function _holderOf(AuthKind kind, uint256 id) private view returns (address holder) {
        if (kind == AuthKind.Certificate) return _RIGHTS.ownerOf(id);
        holder = _RIGHTS.grantRecord(id).grantee;
        if (holder == address(0)) revert IRightsRegistry.GrantNotFound(id);
    }

    function _checkWithinRequest(uint256 requestId, GrantRequest storage r, GrantTerms calldata t) private view {
        if (t.grantee != r.applicant) revert ApprovalExceedsRequest(requestId, "grantee");
        if (t.parentKind != r.parentKind || t.parentId != r.parentId) revert ApprovalExceedsRequest(requestId, "parent");
        bool rightOk = t.right == r.right || (r.right == Right.Operating && t.right == Right.Processing);
        if (!rightOk) revert ApprovalExceedsRequest(requestId, "right");
        if (t.validFrom < r.validFrom || t.validUntil > r.validUntil) revert ApprovalExceedsRequest(requestId, "term");
        if (keccak256(abi.encode(t.purposeHash, t.scenarioHash)) != r.purposeScenarioHash) {
            revert ApprovalExceedsRequest(requestId, "purpose");
        }
    }

    function _signedGrantDigest(address grantor, GrantTerms calldata terms, uint256 nonce, uint256 deadline)
        private
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(_SIGNED_GRANT_TYPE, grantor, _hashTerms(terms), nonce, deadline)));
    }

    function _hashTerms(GrantTerms calldata t) private pure returns (bytes32) {
        bytes memory head = abi.encode(
            _TERMS_TYPE, t.parentKind, t.parentId, t.grantee, t.right, t.purposeHash, t.scenarioHash, t.scopeHash
        );
        bytes memory tail = abi.encode(
            t.securityHash, t.validFrom, t.validUntil, t.endOfTerm, t.subGrantable, t.revocable, keccak256(bytes(t.termsURI))
        );
        return keccak256(bytes.concat(head, tail));
    }
}
